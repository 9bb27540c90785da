// Package output owns how dhmig talks to people and programs: the IO
// streams, which escape control characters in everything written to them,
// the table and JSON renderers (JUnit and Prometheus for the commands that
// offer them), and progress bars that only appear on a terminal.
package output
