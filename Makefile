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

GORELEASER_VERSION := v2.15.1
GORELEASER := bin/goreleaser-$(GORELEASER_VERSION)

# notify's tests deliver through a real SMTP server: Mailpit, built once into
# bin/ like goreleaser. The tests find it through DHMIG_MAILPIT (absolute:
# go test runs each package in its own directory); they skip without it,
# and fail instead when DHMIG_REQUIRE_MAILPIT=1 or CI=true.
MAILPIT_VERSION := v1.33.1
MAILPIT := bin/mailpit-$(MAILPIT_VERSION)
DHMIG_MAILPIT ?= $(CURDIR)/$(MAILPIT)
export DHMIG_MAILPIT

.PHONY: build test lint demo clean docs release-check release-snapshot fuzz

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/dhmig ./cmd/dhmig
	$(GO) build -o bin/legacygen ./cmd/legacygen

test: $(MAILPIT)
	$(GO) test -count=1 -timeout 20m ./...

# The fuzz targets that hold the copy, verify and the rule book's Go and SQL
# forms to each other on both engines (docs/migrate-users.md). make test
# replays their corpus in testdata/fuzz/; this explores, FUZZTIME per target,
# and writes any failing input there as a new corpus entry. A new input is
# minimized for 20 runs, not a minute: a run of FuzzCopyVerify is a
# migration on two engines, and a minute each left the fuzzer idle.
FUZZTIME ?= 2m
FUZZ_TARGETS := FuzzRulesAgree FuzzCopyVerify

# Go 1.26's fuzz coordinator can fail a run with a bare "context deadline
# exceeded" as -fuzztime ends, with no failing input (golang/go#75804, fixed
# in Go 1.27): a run fails here only when it wrote a new input to testdata/.
fuzz:
	@for f in $(FUZZ_TARGETS); do \
	  echo "fuzz: $$f for $(FUZZTIME)"; \
	  before=$$(ls testdata/fuzz/$$f | wc -l); \
	  if ! $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 20x .; then \
	    if [ "$$(ls testdata/fuzz/$$f | wc -l)" != "$$before" ]; then echo "fuzz: $$f wrote a failing input to testdata/fuzz/$$f"; exit 1; fi; \
	    echo "fuzz: $$f stopped without a failing input (golang/go#75804); not a failure"; \
	  fi; \
	done

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

demo: build
	DEMO_DIR=$(CURDIR)/$(DEMO_DIR) DEMO_ROWS=$(DEMO_ROWS) ./scripts/demo.sh

# The same flow into the DhafnckMCP server's own users table (--target
# dhafnck, docs/targets.md).
.PHONY: demo-dhafnck
demo-dhafnck: build
	DEMO_DIR=$(CURDIR)/$(DEMO_DIR)-dhafnck DEMO_ROWS=$(DEMO_ROWS) DHMIG_TARGET=dhafnck ./scripts/demo.sh

# The demo's SQLite file migrated into a fresh PostgreSQL database
# (dhmig_demo) on DHMIG_TEST_POSTGRES_URL's server, the file only read.
.PHONY: demo-pg
demo-pg: build
	DEMO_DIR=$(CURDIR)/$(DEMO_DIR)-pg DEMO_ROWS=$(DEMO_ROWS) ./scripts/demo-pg.sh

clean:
	rm -rf bin dist $(DEMO_DIR) $(DEMO_DIR)-pg

# Man pages (docs/man) and the Markdown command reference (docs/reference),
# generated from the command tree; cmd/docgen's test fails when they are stale.
docs:
	$(GO) run ./cmd/docgen -out docs

# goreleaser from the Go module proxy, built once into bin/ (a long build;
# the Go build cache makes a rebuild after `make clean` quick).
$(GORELEASER):
	@mkdir -p bin/.goreleaser
	GOBIN=$(CURDIR)/bin/.goreleaser $(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)
	mv bin/.goreleaser/goreleaser $@ && rmdir bin/.goreleaser

$(MAILPIT):
	@mkdir -p bin/.mailpit
	GOBIN=$(CURDIR)/bin/.mailpit $(GO) install github.com/axllent/mailpit@$(MAILPIT_VERSION)
	mv bin/.mailpit/mailpit $@ && rmdir bin/.mailpit

release-check: $(GORELEASER)
	$(GORELEASER) check

# A local release: linux/amd64 archive with README, LICENSE and docs/, plus
# checksums, in dist/; then the archived binary must run `version`.
release-snapshot: release-check
	DHMIG_COMMIT=$(COMMIT) $(GORELEASER) release --snapshot --clean
	@tmp=$$(mktemp -d) && tar -xzf dist/dhmig_*_linux_amd64.tar.gz -C $$tmp && \
	  (cd dist && sha256sum -c checksums.txt) && \
	  test -f $$tmp/README.md && test -f $$tmp/LICENSE && test -f $$tmp/docs/configuration.md && \
	  test -f $$tmp/docs/man/dhmig.1 && test -f $$tmp/docs/reference/dhmig.md && \
	  $$tmp/dhmig version && rm -rf $$tmp

# make bench: dhmig against the in-database baselines it wraps, on
# PostgreSQL and SQLite (docs/performance.md). BENCH_ROWS=100000 for a
# quick run; BENCH_ROUNDS for more rounds.
.PHONY: bench
bench: build
	$(GO) run ./bench
