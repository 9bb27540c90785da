package integrity

// WithPassBegun returns o with fn run once the read pass has begun, before
// any check reads, with the number of readers.
func WithPassBegun(o Options, fn func(readers int)) Options {
	o.passBegun = fn
	return o
}
