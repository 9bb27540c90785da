package migration

import (
	"context"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// WithAfterCopy returns o with fn run inside the transaction between the
// copy and verify.
func WithAfterCopy(o Options, fn func(ctx context.Context, ex database.Executor) error) Options {
	o.afterCopy = fn
	return o
}
