package notify

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	mail "github.com/wneessen/go-mail"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// verdictKind is what the server's answer means for the ledger.
type verdictKind int

const (
	delivered verdictKind = iota
	// permanent: a 5xx answer; the user is recorded failed.
	permanent
	// temporary: a 4xx answer or a connection lost before the message was
	// complete; retried with backoff, then left pending.
	temporary
	// inDoubt: the connection was lost after the whole message was sent
	// and before the server answered; it may have been delivered.
	inDoubt
)

// verdict is one delivery attempt's outcome, as the ledger records it: a
// short code and a text that never contains the recipient's address.
type verdict struct {
	kind verdictKind
	code string
	text string
	// reconnect: the connection cannot be used for the next message.
	reconnect bool
	// senderRefused: MAIL FROM was refused for good; no recipient is at
	// fault and every other message would fail the same way.
	senderRefused bool
}

// Codes recorded for failures that are not a server's numeric answer.
const (
	CodeConnection     = "connection"
	CodeInDoubt        = "in_doubt"
	CodeInvalidAddress = "invalid_address"
)

const maxErrorText = 300

// judge classifies a Send error; msgDelivered is go-mail's own record that
// the server accepted the message (an error after it, such as a failed
// RSET, does not undo a delivery).
func judge(err error, msgDelivered bool, recipient string, secrets []string) verdict {
	if err == nil || msgDelivered {
		return verdict{kind: delivered, reconnect: err != nil}
	}
	text := scrub(err.Error(), recipient, secrets)
	var se *mail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		if code >= 400 {
			c := strconv.Itoa(code)
			if e := se.EnhancedStatusCode(); e != "" {
				c += " " + e
			}
			kind := temporary
			if code >= 500 {
				kind = permanent
			}
			return verdict{kind: kind, code: c, text: text, reconnect: code == 421,
				senderRefused: kind == permanent && se.Reason == mail.ErrSMTPMailFrom}
		}
		if se.Reason == mail.ErrSMTPDataClose {
			// The final "." went out; the answer did not come back.
			return verdict{kind: inDoubt, code: CodeInDoubt, text: text, reconnect: true}
		}
	}
	return verdict{kind: temporary, code: CodeConnection, text: text, reconnect: true}
}

// dialVerdict classifies a failure to connect: the network and a 4xx
// greeting are worth another try; anything else (no STARTTLS, a refused
// login, a 5xx greeting) is a setting to fix, and fatal.
func dialVerdict(err error, secrets []string) (verdict, bool) {
	text := scrub(err.Error(), "", secrets)
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return verdict{kind: temporary, code: CodeConnection, text: text, reconnect: true}, false
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return verdict{kind: temporary, code: strconv.Itoa(tp.Code), text: text, reconnect: true}, tp.Code < 500
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) {
		return verdict{kind: temporary, code: CodeConnection, text: text, reconnect: true}, true
	}
	return verdict{kind: temporary, code: CodeConnection, text: text, reconnect: true}, false
}

var affectedRE = regexp.MustCompile(`, affected (recipient\(s\)|message ID): [^,]*`)

// scrub removes the recipient's address, go-mail's recipient and message
// id suffixes and any secret from an error text, and bounds its length.
func scrub(text, recipient string, secrets []string) string {
	text = affectedRE.ReplaceAllString(text, "")
	if recipient != "" {
		text = replaceFold(text, recipient, "<recipient>")
	}
	text = database.Redact(text, secrets...)
	text = strings.Join(strings.Fields(text), " ")
	if len(text) > maxErrorText {
		text = text[:maxErrorText] + "…"
	}
	return text
}

// replaceFold replaces old in s, ignoring ASCII case (servers echo
// addresses in the case they were given or their own).
func replaceFold(s, old, repl string) string {
	lo, lold := strings.ToLower(s), strings.ToLower(old)
	if len(lo) != len(s) || old == "" {
		return strings.ReplaceAll(s, old, repl)
	}
	var b strings.Builder
	for {
		i := strings.Index(lo, lold)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lo = s[i+len(old):], lo[i+len(old):]
	}
}
