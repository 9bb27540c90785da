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
	// The auth and umap rows as their inserters will send them, when the
	// inserters can prepare them ahead (database.Preparer).
	authData, mapData   []byte
	authReady, mapReady bool
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
	b.authReady, b.mapReady = false, false
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

// pipeline walks the cursor with three stages: reading batches, running
// work on each (mapping rows to what will be written), and writing them, in
// order. Memory: a fixed number of batches, whatever the table's size.
//
// When the cursor reads on the transaction being written (concurrent
// false), reading and writing take turns on the calling goroutine — the
// transaction is not safe for concurrent use, and SQLite has one connection
// — while another goroutine runs work; writing runs one batch behind, so
// mapping a batch overlaps with the database producing the next one and
// ingesting the last. A sibling cursor (concurrent true) reads on a
// connection of its own, so reading gets a goroutine too and the database
// reads on one backend while it writes on another.
//
// keep, when set, decides for each row read whether it goes on (false: the
// row is dropped as if never read); it runs on the reading goroutine.
func pipeline(ctx context.Context, cur database.Cursor, table string, size int, concurrent bool, keep func(*legacyRow) (bool, error),
	work, write func(*batch) error, progress func(rows int64) error) error {
	p := newStages(ctx, size, work)
	defer p.stop(concurrent)
	scan := func(rows *sqlx.Rows) error {
		p.cb.rows = append(p.cb.rows, legacyRow{})
		row := &p.cb.rows[len(p.cb.rows)-1]
		if err := row.scan(rows); err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		if keep != nil {
			ok, err := keep(row)
			if err != nil {
				return err
			}
			if !ok {
				p.cb.rows = p.cb.rows[:len(p.cb.rows)-1]
			}
		}
		return nil
	}
	var written int64
	drain := func(r stageResult) error {
		if r.err != nil {
			return r.err
		}
		n := int64(len(r.b.rows))
		if err := write(r.b); err != nil {
			return err
		}
		r.b.reset()
		p.free <- r.b
		written += n
		return progress(written)
	}
	if concurrent {
		read := make(chan error, 1)
		go func() {
			err := cur.Each(p.ctx, size, scan, p.handSome)
			p.close()
			read <- err
		}()
		for r := range p.results {
			if err := drain(r); err != nil {
				return err
			}
		}
		return <-read
	}
	pending := 0
	err := cur.Each(ctx, size, scan, func() error {
		if len(p.cb.rows) == 0 {
			return nil // keep dropped the whole batch
		}
		if err := p.hand(); err != nil {
			return err
		}
		if pending++; pending == 2 {
			pending--
			if err := drain(<-p.results); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	p.close()
	for r := range p.results {
		if err := drain(r); err != nil {
			return err
		}
	}
	return nil
}

type stageResult struct {
	b   *batch
	err error
}

// stages are the batches in flight and the goroutine that runs work.
type stages struct {
	ctx     context.Context
	cancel  context.CancelFunc
	free    chan *batch
	todo    chan *batch
	results chan stageResult
	cb      *batch // the batch being read
	closed  bool
}

func newStages(ctx context.Context, size int, work func(*batch) error) *stages {
	const inFlight = 4
	p := &stages{free: make(chan *batch, inFlight), todo: make(chan *batch, 1), results: make(chan stageResult, inFlight)}
	p.ctx, p.cancel = context.WithCancel(ctx)
	for range inFlight {
		p.free <- &batch{rows: make([]legacyRow, 0, size)}
	}
	p.cb = <-p.free
	go func() {
		defer close(p.results)
		for b := range p.todo {
			p.results <- stageResult{b, work(b)}
		}
	}()
	return p
}

// hand passes the batch just read to work and takes a free one to read the
// next into.
func (p *stages) hand() error {
	select {
	case p.todo <- p.cb:
	case <-p.ctx.Done():
		return p.ctx.Err()
	}
	select {
	case p.cb = <-p.free:
	case <-p.ctx.Done():
		return p.ctx.Err()
	}
	return p.ctx.Err()
}

// handSome hands the batch on unless keep dropped all its rows.
func (p *stages) handSome() error {
	if len(p.cb.rows) == 0 {
		return p.ctx.Err()
	}
	return p.hand()
}

// close says no batch follows; only the reading goroutine calls it.
func (p *stages) close() {
	if !p.closed {
		p.closed = true
		close(p.todo)
	}
}

// stop ends the stages early or late: the worker finishes what it holds and
// a concurrent reader gives up (it closes todo itself; otherwise stop does).
func (p *stages) stop(concurrent bool) {
	p.cancel()
	if !concurrent {
		p.close()
	}
	for range p.results {
	}
}
