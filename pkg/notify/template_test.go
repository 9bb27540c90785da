package notify

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dhafnckmcp/dhmig/pkg/target"
)

func TestDefaultLetter(t *testing.T) {
	tpl := DefaultTemplate()
	links := Links{SupportEmail: "help@example.org", GuideURL: "https://docs.example.org", ResetURL: "https://app.example.org/reset"}
	kept, err := tpl.Render(links.fields(Recipient{Username: "Zoë", Email: "zoe@example.org"}))
	if err != nil {
		t.Fatal(err)
	}
	temp, err := tpl.Render(links.fields(Recipient{Username: "Zoë", Email: "zoe@example.org", TempPassword: true}))
	if err != nil {
		t.Fatal(err)
	}
	if kept.Subject != "Important: Authentication System Update" || temp.Subject != kept.Subject {
		t.Errorf("subjects %q, %q", kept.Subject, temp.Subject)
	}
	for _, want := range []string{"Dear Zoë,", "Contact support at help@example.org", "user guide: https://docs.example.org",
		"1. Your existing login credentials still work", "The DhafnckMCP Team"} {
		if !strings.Contains(kept.Body, want) {
			t.Errorf("letter lacks %q:\n%s", want, kept.Body)
		}
	}
	if strings.Contains(kept.Body, "was not carried over") || strings.HasPrefix(kept.Body, "Subject:") || strings.Contains(kept.Body, "\n\n\n") {
		t.Errorf("letter for a kept password:\n%s", kept.Body)
	}
	for _, want := range []string{"Your password was not carried over", "at https://app.example.org/reset, using this address (zoe@example.org)",
		"1. Set a new password"} {
		if !strings.Contains(temp.Body, want) {
			t.Errorf("temporary-password letter lacks %q:\n%s", want, temp.Body)
		}
	}
	if strings.Contains(temp.Body, "credentials still work") {
		t.Errorf("a temporary-password letter says the old credentials work:\n%s", temp.Body)
	}
}

func TestParseTemplate(t *testing.T) {
	a, err := ParseTemplate("a", "X-Note: kept in the body\nSubject: Hi {{.Username}}\n\n\nHello {{.Email}}\n")
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Render(Fields{Username: "ann", Email: "ann@example.org"})
	if err != nil || l.Subject != "Hi ann" || l.Body != "Hello ann@example.org\n" {
		t.Errorf("render = %+v, %v", l, err)
	}
	crlf, err := ParseTemplate("b", "X-Note: kept in the body\r\nSubject: Hi {{.Username}}\r\n\r\n\r\nHello {{.Email}}\r\n")
	if err != nil || crlf.SHA256 != a.SHA256 {
		t.Errorf("CRLF copy is another letter: %v", err)
	}
	if other, _ := ParseTemplate("c", "Subject: Hi\n\nBye\n"); other.SHA256 == a.SHA256 {
		t.Error("two letters share a hash")
	}
	for _, bad := range []string{"no subject here\n", "Subject:   \nbody", "Subject: x\n{{.Nope}}", "Subject: x\n{{if}}"} {
		if _, err := ParseTemplate("bad", bad); !errors.Is(err, ErrTemplate) {
			t.Errorf("ParseTemplate(%q) = %v, want ErrTemplate", bad, err)
		}
	}
	// A username with a line break cannot add a header through the subject.
	h, _ := ParseTemplate("h", "Subject: Hi {{.Username}}\nbody")
	if _, err := h.Render(Fields{Username: "x\r\nBcc: all@example.org"}); !errors.Is(err, ErrTemplate) {
		t.Errorf("subject with a line break rendered: %v", err)
	}
}

func TestScrub(t *testing.T) {
	got := scrub("sending SMTP RCPT TO command: 550 5.1.1 <Ben@Example.com>: no such user, affected recipient(s): <ben@example.com>, pw s3cret",
		"ben@example.com", []string{"s3cret"})
	if strings.Contains(strings.ToLower(got), "ben@example.com") || strings.Contains(got, "s3cret") || !strings.Contains(got, "550 5.1.1 <<recipient>>: no such user") {
		t.Errorf("scrub = %q", got)
	}
	if long := scrub(strings.Repeat("x", 1000), "", nil); len(long) > maxErrorText+4 {
		t.Errorf("scrub kept %d bytes", len(long))
	}
}

func TestLoopbackAndAudience(t *testing.T) {
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "127.8.9.10": true, "::1": true, "[::1]": true,
		"smtp.example.org": false, "10.0.0.1": false, "localhost.example.org": false} {
		if isLoopback(host) != want {
			t.Errorf("isLoopback(%q) = %v", host, !want)
		}
	}
	if err := (SMTPOptions{Host: "smtp.example.org", Port: 25, Insecure: true}).Validate(); !errors.Is(err, ErrInsecureRemote) {
		t.Errorf("insecure remote: %v", err)
	}
	if _, err := ParseAudience("everyone"); err == nil {
		t.Error("ParseAudience accepted everyone")
	}
	// "active" is each target's own spelling of it.
	for _, p := range []*target.Profile{target.Guide, target.Dhafnck} {
		r := Recipient{Status: p.Status.Active}
		if !AudienceActive.includes(r, p) || AudienceTempPasswords.includes(r, p) || !AudienceAll.includes(r, p) {
			t.Errorf("%s: audience filters", p.Name)
		}
		if AudienceActive.includes(Recipient{Status: p.Status.Pending}, p) {
			t.Errorf("%s: --only active took a %s user", p.Name, p.Status.Pending)
		}
	}
	if AudienceActive.includes(Recipient{Status: target.Guide.Status.Active}, target.Dhafnck) {
		t.Error("dhafnck: --only active took the guide's lower-case active")
	}
}

// TestDocsShowTheLetters keeps docs/notify.md honest: it shows the embedded
// letter as it is, and its custom example parses and renders.
func TestDocsShowTheLetters(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "notify.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	if !strings.Contains(doc, "```text\n"+defaultLetter+"```") {
		t.Error("docs/notify.md does not show the default letter as embedded (pkg/notify/letter.txt)")
	}
	start := strings.Index(doc, "```text\nSubject: {{.Username}}")
	if start < 0 {
		t.Fatal("docs/notify.md lacks its custom letter")
	}
	custom := doc[start+len("```text\n"):]
	custom = custom[:strings.Index(custom, "```")]
	tpl, err := ParseTemplate("custom", custom)
	if err != nil {
		t.Fatal(err)
	}
	l, err := tpl.Render(Fields{Username: "ann", ResetURL: "https://app.example.org/reset", SupportEmail: "s@example.org"})
	if err != nil || l.Subject != "ann, please set a new password" || !strings.Contains(l.Body, "https://app.example.org/reset") {
		t.Errorf("custom letter = %+v, %v", l, err)
	}
}
