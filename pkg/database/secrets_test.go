package database

import (
	"strings"
	"testing"
)

// Every password-like parameter is a secret in every rendering of a target,
// and its value is one of the target's secrets.
func TestSecretParamsNeverRendered(t *testing.T) {
	tests := []struct {
		name   string
		params map[string]string
		secret string
	}{
		{"password", map[string]string{"password": "QpassQ1", "sslmode": "disable"}, "QpassQ1"},
		{"sslpassword", map[string]string{"sslpassword": "QsslQ2"}, "QsslQ2"},
		{"upper-case key", map[string]string{"PassWord": "QcaseQ3"}, "QcaseQ3"},
		{"inline ssl key", map[string]string{"sslinline": "true", "sslkey": "-----BEGIN KEY-----QkeyQ4"}, "QkeyQ4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := Target{Kind: Postgres, Host: "h", Port: 5432, User: "u", Name: "db", Params: tt.params}
			for what, s := range map[string]string{"Redacted": tg.Redacted(), "String": tg.String(), "URLWithoutPassword": tg.URLWithoutPassword()} {
				if strings.Contains(s, tt.secret) {
					t.Errorf("%s() = %q shows the secret", what, s)
				}
			}
			if !strings.Contains(strings.Join(tg.Secrets(), " "), tt.secret) {
				t.Errorf("Secrets() = %q lacks it", tg.Secrets())
			}
			if !strings.Contains(tg.URL(), "Q") {
				t.Errorf("URL() = %q lost the parameter a child process of dhmig itself needs", tg.URL())
			}
		})
	}
	// A key file path is not a secret: pg_dump needs it on its command line.
	tg := Target{Kind: Postgres, Host: "h", Port: 5432, Name: "db", Params: map[string]string{"sslkey": "/etc/k.pem"}}
	if !strings.Contains(tg.URLWithoutPassword(), "sslkey=%2Fetc%2Fk.pem") || len(tg.Secrets()) != 0 {
		t.Errorf("sslkey path: %q, secrets %q", tg.URLWithoutPassword(), tg.Secrets())
	}
}

func TestRedactURL(t *testing.T) {
	tests := map[string]string{
		"postgres://u:pw@h/x":                             "postgres://u:***@h/x",
		"postgres://u@h/x":                                "postgres://u@h/x",
		"postgresql+psycopg2://a:b:c@h/db":                "postgresql+psycopg2://a:***@h/db",
		"sqlite:///x.db":                                  "sqlite:///x.db",
		"postgres://u:Hunter2xyz#tail@h/db":               "postgres://u:***@h/db",
		"postgres://u:a?b/c@h/db?sslmode=disable":         "postgres://u:***@h/db?sslmode=disable",
		"postgres://u@h/db?password=pw&sslmode=disable":   "postgres://u@h/db?password=***&sslmode=disable",
		"postgres://u@h/db?sslpassword=k%26ey&password=x": "postgres://u@h/db?sslpassword=***&password=***",
		"postgres://u@h/db?Password=pw#frag":              "postgres://u@h/db?Password=***#frag",
		"postgres://h/db?sslinline=1&sslkey=PEM":          "postgres://h/db?sslinline=1&sslkey=***",
	}
	for in, want := range tests {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestURLSecrets(t *testing.T) {
	got := strings.Join(URLSecrets("postgres://u:p%40ss@h/db?password=a%26b&sslpassword=c"), " ")
	for _, want := range []string{"p%40ss", "p@ss", "a%26b", "a&b", "c"} {
		if !strings.Contains(" "+got+" ", " "+want+" ") {
			t.Errorf("URLSecrets = %q, lacks %q", got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	got := Redact("login as u with p@ss (p%40ss) and pass", "pass", "p@ss", "", "p%40ss")
	if got != "login as u with *** (***) and ***" {
		t.Errorf("Redact = %q", got)
	}
}
