// Command bench is `make bench`: it measures dhmig against the in-database
// baseline it wraps, side by side in one invocation, on PostgreSQL and
// SQLite, and prints medians and ratios. See docs/performance.md.
package main
