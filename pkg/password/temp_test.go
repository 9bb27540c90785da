package password

import (
	"context"
	"errors"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// knownPasswords are what an attacker would try first; none may open a
// temporary hash.
var knownPasswords = []string{"", "password", "123456", "changeme", "temp", "user", "admin"}

func TestTempHash(t *testing.T) {
	for _, mode := range []TempMode{TempBcrypt, TempSealed} {
		for _, cost := range []int{4, 5} {
			t.Run(string(mode), func(t *testing.T) {
				h, err := tempHash(mode, cost)
				if err != nil {
					t.Fatal(err)
				}
				if !Accepted(h) || Detect(h) != SchemeBcrypt {
					t.Fatalf("temp hash %q is not an accepted bcrypt hash", h)
				}
				if Cost(h) != cost {
					t.Errorf("Cost = %d, want %d", Cost(h), cost)
				}
				if c, err := bcrypt.Cost([]byte(h)); err != nil || c != cost {
					t.Errorf("x/crypto/bcrypt.Cost = %d, %v; want %d", c, err, cost)
				}
				for _, pw := range knownPasswords {
					err := bcrypt.CompareHashAndPassword([]byte(h), []byte(pw))
					if !errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
						t.Errorf("password %q against temp hash: %v, want a mismatch", pw, err)
					}
				}
				h2, _ := tempHash(mode, cost)
				if h2 == h {
					t.Error("two temporary hashes are equal")
				}
			})
		}
	}
}

func TestTempHashRejects(t *testing.T) {
	if _, err := tempHash(TempBcrypt, 3); err == nil {
		t.Error("cost 3 accepted")
	}
	if _, err := tempHash(TempSealed, 32); err == nil {
		t.Error("cost 32 accepted")
	}
	if _, err := ParseTempMode("argon2"); err == nil {
		t.Error("unknown mode accepted")
	}
}

func TestTempSource(t *testing.T) {
	for _, mode := range []TempMode{TempBcrypt, TempSealed} {
		t.Run(string(mode), func(t *testing.T) {
			const n = 20
			s, err := NewTempSource(context.Background(), mode, 4, n, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			seen := map[string]bool{}
			for range n + 2 { // two more than announced are made on demand
				h, err := s.Next(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if Cost(h) != 4 {
					t.Fatalf("hash %q not bcrypt cost 4", h)
				}
				seen[h] = true
			}
			if len(seen) != n+2 || s.Made() != n+2 {
				t.Errorf("distinct hashes = %d, made = %d; want %d", len(seen), s.Made(), n+2)
			}
		})
	}
}

func TestTempSourceCloseEarly(t *testing.T) {
	s, err := NewTempSource(context.Background(), TempBcrypt, 4, 1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Next(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Close() // must return although 999 hashes were never taken
	if s.Made() != 1 {
		t.Errorf("made = %d", s.Made())
	}
}

func TestEstimateBcrypt(t *testing.T) {
	if EstimateBcrypt(12, 0, 1) != 0 {
		t.Error("no hashes should take no time")
	}
	one := EstimateBcrypt(10, 100, 1)
	if one <= 0 {
		t.Fatalf("estimate = %s", one)
	}
}
