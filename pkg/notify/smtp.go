package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// SMTPOptions are the mail server settings (config check's SMTP_*).
type SMTPOptions struct {
	Host     string
	Port     int
	User     string
	Password string
	// Insecure sends without TLS; allowed only to a loopback address.
	Insecure bool
	// Timeout bounds connecting and each SMTP exchange (default 30s).
	Timeout time.Duration
}

// ErrInsecureRemote refuses plain-text SMTP to anything but loopback.
var ErrInsecureRemote = errors.New("--smtp-insecure is allowed only to a loopback address (localhost, 127.0.0.0/8, ::1)")

// isLoopback reports whether host names this machine: localhost or a
// loopback IP. Names are not resolved, so DNS cannot make one look local.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Validate checks the settings before anything connects.
func (o SMTPOptions) Validate() error {
	switch {
	case o.Host == "":
		return errors.New("SMTP_HOST is not set")
	case o.Port < 1 || o.Port > 65535:
		return fmt.Errorf("SMTP_PORT %d is not a port", o.Port)
	case o.Insecure && !isLoopback(o.Host):
		return ErrInsecureRemote
	}
	return nil
}

// smtpConn is one worker's connection, opened on first use and reused for
// every message until an error makes it unusable.
type smtpConn struct {
	o      SMTPOptions
	client *mail.Client
	open   bool
}

func (c *smtpConn) newClient() (*mail.Client, error) {
	timeout := c.o.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	opts := []mail.Option{mail.WithPort(c.o.Port), mail.WithTimeout(timeout)}
	if c.o.Insecure {
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	} else {
		// STARTTLS or nothing: a server that does not offer it is refused.
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory),
			mail.WithTLSConfig(&tls.Config{ServerName: c.o.Host, MinVersion: tls.VersionTLS12}))
	}
	if c.o.User != "" {
		// Credentials travel only inside TLS, or to this machine when
		// --smtp-insecure (Validate allows it only to loopback).
		auth := mail.SMTPAuthAutoDiscover
		if c.o.Insecure {
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(c.o.User), mail.WithPassword(c.o.Password))
	}
	return mail.NewClient(c.o.Host, opts...)
}

// dial opens the connection if it is not open.
func (c *smtpConn) dial(ctx context.Context) error {
	if c.open {
		return nil
	}
	if c.client == nil {
		cl, err := c.newClient()
		if err != nil {
			return err
		}
		c.client = cl
	}
	if err := c.client.DialWithContext(ctx); err != nil {
		return err
	}
	c.open = true
	return nil
}

// send delivers one message over the open connection.
func (c *smtpConn) send(m *mail.Msg) error { return c.client.Send(m) }

// drop closes the connection after an error; the next message redials.
func (c *smtpConn) drop() {
	if c.client != nil && c.open {
		_ = c.client.Close()
	}
	c.open = false
}

// close ends the session politely (QUIT).
func (c *smtpConn) close() { c.drop() }
