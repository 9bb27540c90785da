package usermigrate

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// batch is one cursor batch on its way through a pass: the rows as read,
// then what the pass made of them, ready to write.
type batch struct {
	rows                []legacyRow
	auth, umap, rejects [][]any
	keys                [][]any
	authVals, mapVals   []any // backing arrays the rows above slice
}

func (b *batch) reset() {
	clear(b.rows)
	clear(b.authVals)
	clear(b.mapVals)
	b.rows, b.authVals, b.mapVals = b.rows[:0], b.authVals[:0], b.mapVals[:0]
	clear(b.auth)
	clear(b.umap)
	clear(b.rejects)
	clear(b.keys)
	b.auth, b.umap, b.rejects, b.keys = b.auth[:0], b.umap[:0], b.rejects[:0], b.keys[:0]
}

// values returns n fresh slots from a backing array, so a batch's rows cost
// one allocation per batch instead of one per row once the batch is reused.
func values(backing *[]any, n int) []any {
	if len(*backing)+n > cap(*backing) {
		*backing = make([]any, 0, max(2*cap(*backing), 64*n))
	}
	start := len(*backing)
	*backing = (*backing)[:start+n]
	return (*backing)[start : start+n : start+n]
}

// pipeline walks the cursor with three stages: the calling goroutine reads
// batches and writes them (the transaction is not safe for concurrent use,
// and SQLite has one connection), while another goroutine runs work on each
// batch in order. Writing runs one batch behind, so mapping a batch overlaps
// with the database producing the next one and ingesting the last: on two
// cores the client and the server work at the same time instead of taking
// turns. Memory: three batches, whatever the table's size.
func pipeline(ctx context.Context, cur database.Cursor, table string, size int, work, write func(*batch) error, progress func(rows int64) error) error {
	free := make(chan *batch, 3)
	for range 3 {
		free <- &batch{rows: make([]legacyRow, 0, size)}
	}
	todo := make(chan *batch, 1)
	type result struct {
		b   *batch
		err error
	}
	results := make(chan result, 3)
	go func() {
		defer close(results)
		for b := range todo {
			results <- result{b, work(b)}
		}
	}()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			close(todo)
		}
	}
	defer func() {
		stop()
		for range results { // let the worker finish
		}
	}()
	var written int64
	pending := 0
	drain := func() error {
		res := <-results
		pending--
		if res.err != nil {
			return res.err
		}
		n := int64(len(res.b.rows))
		if err := write(res.b); err != nil {
			return err
		}
		res.b.reset()
		free <- res.b
		written += n
		return progress(written)
	}
	cb := <-free
	err := cur.Each(ctx, size, func(rows *sqlx.Rows) error {
		cb.rows = append(cb.rows, legacyRow{})
		if err := cb.rows[len(cb.rows)-1].scan(rows); err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		return nil
	}, func() error {
		todo <- cb
		pending++
		if pending == 2 {
			if err := drain(); err != nil {
				return err
			}
		}
		cb = <-free
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	stop()
	for pending > 0 {
		if err := drain(); err != nil {
			return err
		}
	}
	return nil
}
