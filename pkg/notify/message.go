package notify

import (
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	mail "github.com/wneessen/go-mail"
)

// Sender is who the letter comes from (SMTP_FROM_EMAIL, with an optional
// display name).
type Sender struct {
	Name    string
	Address string
}

// ParseSender checks a From address.
func ParseSender(name, addr string) (Sender, error) {
	a, err := netmail.ParseAddress(addr)
	if err != nil || a.Address != strings.TrimSpace(addr) {
		return Sender{}, fmt.Errorf("%q is not a plain email address", addr)
	}
	return Sender{Name: name, Address: a.Address}, nil
}

// newMessageID returns a unique Message-ID (without brackets) in the
// sender's domain, recorded in the ledger before the message goes out so
// that an in-doubt message can be looked up in the server's logs.
func newMessageID(from Sender) string {
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	return uuid.NewString() + "@" + domain
}

// buildMessage turns a rendered letter into a MIME message: text/plain in
// UTF-8 (quoted-printable), the subject and the user's name encoded by
// go-mail as RFC 2047 words when they are not ASCII.
func buildMessage(from Sender, r Recipient, l Letter, messageID string, date time.Time) (*mail.Msg, error) {
	to, err := netmail.ParseAddress(r.Email)
	if err != nil || !strings.EqualFold(to.Address, r.Email) {
		return nil, fmt.Errorf("%s: the stored address is not one a mail server takes", CodeInvalidAddress)
	}
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	m.SetAddrHeaderFromMailAddress(mail.HeaderFrom, &netmail.Address{Name: from.Name, Address: from.Address})
	m.SetAddrHeaderFromMailAddress(mail.HeaderTo, &netmail.Address{Name: r.Username, Address: to.Address})
	m.Subject(l.Subject)
	m.SetMessageIDWithValue(messageID)
	m.SetDateWithValue(date)
	m.SetBodyString(mail.TypeTextPlain, l.Body)
	return m, nil
}
