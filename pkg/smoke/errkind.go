package smoke

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
)

// ErrorKind names why a request did not succeed, for the load test's
// errors-by-kind and for telling an unreachable server from a wrong one.
type ErrorKind string

// The kinds besides "http_<status>".
const (
	// KindTimeout: no complete answer within the per-request timeout.
	KindTimeout ErrorKind = "timeout"
	// KindUnreachable: no connection could be made (refused, no route,
	// unknown host).
	KindUnreachable ErrorKind = "unreachable"
	// KindConnection: the connection broke before a complete answer.
	KindConnection ErrorKind = "connection"
	// KindBadResponse: a 2xx answer that is not what the contract says
	// (no access_token).
	KindBadResponse ErrorKind = "bad_response"
)

func statusKind(code int) ErrorKind { return ErrorKind("http_" + strconv.Itoa(code)) }

// classify names a transport error.
func classify(err error) ErrorKind {
	var ne net.Error
	switch {
	case unreachable(err):
		return KindUnreachable
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return KindTimeout
	}
	return KindConnection
}

// unreachable reports whether err means no connection to the server could
// be made at all: a failed dial or name lookup.
func unreachable(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &dns) || errors.As(err, &op) && op.Op == "dial"
}

// describeTransport says what went wrong with a request in words that
// quote nothing the server sent.
func describeTransport(ex Exchange) string {
	switch {
	case ex.Kind == KindUnreachable:
		var op *net.OpError
		if errors.As(ex.Err, &op) && op.Err != nil {
			return fmt.Sprintf("cannot reach the server: %v", op.Err)
		}
		return "cannot reach the server: the name does not resolve"
	case ex.Kind == KindTimeout:
		return "no answer within the request timeout"
	}
	return fmt.Sprintf("the request failed: %v", ex.Err)
}
