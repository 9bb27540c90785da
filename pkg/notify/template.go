package notify

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"text/template"
)

// defaultLetter is the guide's "Email Template for Existing Users" with its
// placeholders made fields and the paragraph for temporary passwords added.
//
//go:embed letter.txt
var defaultLetter string

// DefaultTemplateName is how the embedded letter is named in results.
const DefaultTemplateName = "default"

// ErrTemplate means a letter template cannot be used; nothing was sent.
var ErrTemplate = errors.New("letter template")

// Template is a parsed letter: its subject and body templates and the
// sha256 that names it in the ledger (the same text is the same letter).
type Template struct {
	Name    string
	Text    string
	SHA256  string
	subject *template.Template
	body    *template.Template
}

// DefaultTemplate returns the embedded letter.
func DefaultTemplate() *Template {
	t, err := ParseTemplate(DefaultTemplateName, defaultLetter)
	if err != nil {
		panic(err) // the embedded letter is tested; it cannot fail here
	}
	return t
}

// ParseTemplate reads a letter: its first line starting with "Subject:" is
// the subject (itself a template), the lines after it (leading blank lines
// dropped) are the body. Line endings are normalised before hashing, so a
// file saved with CRLF is the same letter.
func ParseTemplate(name, text string) (*Template, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	subj := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "Subject:") {
			subj = i
			break
		}
	}
	if subj < 0 {
		return nil, fmt.Errorf("%w %s: no line starts with \"Subject:\"", ErrTemplate, name)
	}
	subject := strings.TrimSpace(strings.TrimPrefix(lines[subj], "Subject:"))
	if subject == "" {
		return nil, fmt.Errorf("%w %s: the Subject: line is empty", ErrTemplate, name)
	}
	body := strings.TrimLeft(strings.Join(lines[subj+1:], "\n"), "\n")
	sum := sha256.Sum256([]byte(text))
	t := &Template{Name: name, Text: text, SHA256: hex.EncodeToString(sum[:])}
	var err error
	if t.subject, err = template.New("subject").Option("missingkey=error").Parse(subject); err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrTemplate, name, err)
	}
	if t.body, err = template.New("body").Option("missingkey=error").Parse(body); err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrTemplate, name, err)
	}
	// A field the letter names but Fields lacks fails here, before anyone
	// is written to, not at the first recipient.
	for _, temp := range []bool{false, true} {
		if _, err := t.Render(Fields{Username: "check", Email: "check@example.com", TempPassword: temp}); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Fields are what a letter may use.
type Fields struct {
	Username     string
	Email        string
	TempPassword bool
	SupportEmail string
	GuideURL     string
	ResetURL     string
}

// Letter is one rendered message: a one-line subject and a text body.
type Letter struct {
	Subject string
	Body    string
}

// Render fills the letter for one user.
func (t *Template) Render(f Fields) (Letter, error) {
	var s, b bytes.Buffer
	if err := t.subject.Execute(&s, f); err != nil {
		return Letter{}, fmt.Errorf("%w %s: subject: %v", ErrTemplate, t.Name, err)
	}
	if err := t.body.Execute(&b, f); err != nil {
		return Letter{}, fmt.Errorf("%w %s: body: %v", ErrTemplate, t.Name, err)
	}
	// A subject is one header line: a field with a line break must not be
	// able to add headers.
	if strings.ContainsAny(s.String(), "\r\n") {
		return Letter{}, fmt.Errorf("%w %s: the subject renders with a line break", ErrTemplate, t.Name)
	}
	return Letter{Subject: s.String(), Body: b.String()}, nil
}
