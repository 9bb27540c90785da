# dhmig — build, test, lint, demo. See README.md.
SHELL := /bin/bash
GO ?= go
export CGO_ENABLED := 1

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

# Tests create and drop their own databases on this server; empty it to
# skip the PostgreSQL tests, set DHMIG_REQUIRE_POSTGRES=1 to forbid skipping.
DHMIG_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
export DHMIG_TEST_POSTGRES_URL

STATICCHECK_VERSION := v0.8.2
DEMO_DIR := demo
DEMO_ROWS ?= 3000

.PHONY: build test lint demo clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/dhmig ./cmd/dhmig
	$(GO) build -o bin/legacygen ./cmd/legacygen

test:
	$(GO) test -count=1 -timeout 20m ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

demo: build
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@echo "== legacygen: $(DEMO_ROWS) legacy users in $(DEMO_DIR)/dhafnck_mcp.db"
	@cd $(DEMO_DIR) && ../bin/legacygen --database-url sqlite:///./dhafnck_mcp.db --rows $(DEMO_ROWS)
	@echo "== dhmig doctor"
	@cd $(DEMO_DIR) && ../bin/dhmig doctor
	@echo "== dhmig schema up"
	@cd $(DEMO_DIR) && ../bin/dhmig schema up
	@echo "== dhmig schema status"
	@cd $(DEMO_DIR) && ../bin/dhmig schema status

clean:
	rm -rf bin dist $(DEMO_DIR)

# make bench: dhmig against the in-database baselines it wraps, on
# PostgreSQL and SQLite (docs/performance.md). BENCH_ROWS=100000 for a
# quick run; BENCH_ROUNDS for more rounds.
.PHONY: bench
bench: build
	$(GO) run ./bench
