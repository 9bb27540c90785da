package main

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// mailpit is a real SMTP server (Mailpit, built by `make test` into bin/)
// that notify's tests deliver to and read back through its HTTP API.
type mailpit struct {
	t              *testing.T
	bin, db        string
	smtpPort, http int
	extra          []string
	cmd            *exec.Cmd
}

// mailpitBin finds Mailpit through DHMIG_MAILPIT. Without it the test
// skips, unless DHMIG_REQUIRE_MAILPIT=1 or CI=true make that a failure.
func mailpitBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("DHMIG_MAILPIT")
	if bin != "" {
		if st, err := os.Stat(bin); err == nil && !st.IsDir() {
			return bin
		}
	}
	msg := fmt.Sprintf("Mailpit not found (DHMIG_MAILPIT=%q): run the tests with make test, which builds it into bin/", bin)
	if os.Getenv("DHMIG_REQUIRE_MAILPIT") == "1" || os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startMailpit runs Mailpit on free loopback ports with a database file of
// its own (so a restart keeps what arrived); extra are more flags.
func startMailpit(t *testing.T, extra ...string) *mailpit {
	t.Helper()
	m := &mailpit{t: t, bin: mailpitBin(t), db: filepath.Join(t.TempDir(), "mailpit.db"),
		smtpPort: freePort(t), http: freePort(t), extra: extra}
	m.start()
	t.Cleanup(m.stop)
	return m
}

func (m *mailpit) start() {
	m.t.Helper()
	args := []string{"--smtp", fmt.Sprintf("127.0.0.1:%d", m.smtpPort), "--listen", fmt.Sprintf("127.0.0.1:%d", m.http),
		"--database", m.db, "--smtp-auth-accept-any", "--disable-version-check", "--quiet"}
	if !slices.Contains(m.extra, "--smtp-require-starttls") {
		// Logins in plain text, which dhmig sends only to loopback; Mailpit
		// refuses the flag when it requires TLS.
		args = append(args, "--smtp-auth-allow-insecure")
	}
	args = append(args, m.extra...)
	m.cmd = exec.Command(m.bin, args...)
	m.cmd.Stdout, m.cmd.Stderr = io.Discard, os.Stderr
	if err := m.cmd.Start(); err != nil {
		m.t.Fatalf("start mailpit: %v", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(m.api("/api/v1/info"))
		if err == nil {
			resp.Body.Close()
			if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", m.smtpPort)); err == nil {
				c.Close()
				return
			}
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("mailpit did not answer on ports %d/%d: %v", m.smtpPort, m.http, err)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// stop kills the server: its clients lose their connections mid-session.
func (m *mailpit) stop() {
	if m.cmd != nil && m.cmd.Process != nil {
		_ = m.cmd.Process.Kill()
		_ = m.cmd.Wait()
		m.cmd = nil
	}
}

func (m *mailpit) api(path string) string { return fmt.Sprintf("http://127.0.0.1:%d%s", m.http, path) }

// env points dhmig at the server, without TLS (loopback) and with a login
// the server accepts, so that authentication is exercised too.
func (m *mailpit) env() []string {
	return []string{"SMTP_HOST=127.0.0.1", fmt.Sprintf("SMTP_PORT=%d", m.smtpPort), "SMTP_USER=mailer",
		"SMTP_PASSWORD=" + smtpTestPassword, "SMTP_FROM_EMAIL=noreply@dhafnck.test",
		"NOTIFY_SUPPORT_EMAIL=support@dhafnck.test", "NOTIFY_GUIDE_URL=https://docs.dhafnck.test/auth",
		"NOTIFY_RESET_URL=https://app.dhafnck.test/reset"}
}

// smtpTestPassword must never appear in anything dhmig prints.
const smtpTestPassword = "Sm7p-Pa55-never-printed"

// arrived is one message as Mailpit stored it.
type arrived struct {
	ID string `json:"ID"`
	To []struct {
		Address string `json:"Address"`
	} `json:"To"`
}

// messages lists what arrived.
func (m *mailpit) messages() []arrived {
	m.t.Helper()
	var doc struct {
		Messages []arrived `json:"messages"`
	}
	m.getJSON("/api/v1/messages?limit=5000", &doc)
	return doc.Messages
}

// byRecipient counts arrived messages per recipient address.
func (m *mailpit) byRecipient() map[string]int {
	out := map[string]int{}
	for _, msg := range m.messages() {
		for _, to := range msg.To {
			out[to.Address]++
		}
	}
	return out
}

func (m *mailpit) getJSON(path string, v any) {
	m.t.Helper()
	resp, err := http.Get(m.api(path))
	if err != nil {
		m.t.Fatalf("mailpit %s: %v", path, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		m.t.Fatalf("mailpit %s: %v", path, err)
	}
}

// parsed is a message as a mail client reads it: headers decoded, body
// decoded from its transfer encoding.
type parsed struct {
	To          *mail.Address
	Subject     string
	Body        string
	MessageID   string
	Date        time.Time
	ContentType string
}

// raw fetches and parses one message's source.
func (m *mailpit) raw(id string) parsed {
	m.t.Helper()
	resp, err := http.Get(m.api("/api/v1/message/" + id + "/raw"))
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	return parseMessage(m.t, resp.Body)
}

func parseMessage(t *testing.T, r io.Reader) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(r)
	if err != nil {
		t.Fatalf("not an RFC 5322 message: %v", err)
	}
	var p parsed
	dec := new(mime.WordDecoder)
	if p.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("subject: %v", err)
	}
	if p.To, err = mail.ParseAddress(msg.Header.Get("To")); err != nil {
		t.Fatalf("To %q: %v", msg.Header.Get("To"), err)
	}
	if p.Date, err = msg.Header.Date(); err != nil {
		t.Fatalf("Date: %v", err)
	}
	p.MessageID, p.ContentType = msg.Header.Get("Message-Id"), msg.Header.Get("Content-Type")
	body := msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	p.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	return p
}
