// Package smoketest runs, for tests, a server that speaks the guide's auth
// contract over a migrated database: it reads auth_users through dhmig's
// own code (smoke.FindAccounts), checks bcrypt, issues HS256 tokens with
// golang-jwt the way the app does, and refuses wrong passwords, inactive,
// unverified or locked users, and tampered or expired tokens. Its Broken
// options make it wrong in the ways a real deployment goes wrong, so that
// tests can prove smoke notices.
package smoketest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/smoke"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// Options shape the server.
type Options struct {
	// Secret signs and verifies its HS256 tokens.
	Secret []byte
	// TTL is the access token lifetime (default 15 minutes).
	TTL time.Duration
	// AcceptTampered: the protected endpoint reads tokens without checking
	// their signature.
	AcceptTampered bool
	// AcceptExpired: the protected endpoint ignores exp.
	AcceptExpired bool
	// NoRefreshToken: the login answers an access token only.
	NoRefreshToken bool
	// LoginDelay holds every login this long before answering (a server
	// under strain), or until the client gives up.
	LoginDelay time.Duration
}

// Server is a running contract server on 127.0.0.1.
type Server struct {
	URL string
	// Logins and Refreshes count the answered requests of each kind;
	// Conns counts the connections clients opened (keep-alive keeps it low).
	Logins, Refreshes, Conns atomic.Int64

	db  *database.DB
	o   Options
	mu  sync.Mutex
	ref map[string]session
}

type session struct {
	id, email string
	roles     []string
}

// Start serves on a free loopback port until the test ends.
func Start(t testing.TB, db *database.DB, o Options) *Server {
	t.Helper()
	if o.TTL == 0 {
		o.TTL = 15 * time.Minute
	}
	s := &Server{db: db, o: o, ref: map[string]session{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth/login", s.login)
	mux.HandleFunc("POST /api/auth/refresh", s.refresh)
	mux.HandleFunc("GET /api/protected-endpoint", s.protected)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.Conns.Add(1)
			}
		}}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	s.URL = "http://" + l.Addr().String()
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func detail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"detail": msg})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.o.LoginDelay > 0 {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(s.o.LoginDelay):
		}
	}
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil {
		detail(w, http.StatusUnprocessableEntity, "invalid body")
		return
	}
	accts, err := smoke.FindAccounts(r.Context(), s.db, s.db.Dialect, target.Guide, in.Email, time.Now())
	if err != nil {
		detail(w, http.StatusInternalServerError, "database error")
		return
	}
	if len(accts) != 1 || bcrypt.CompareHashAndPassword([]byte(accts[0].PasswordHash), []byte(in.Password)) != nil {
		detail(w, http.StatusUnauthorized, "Invalid email or password")
		return
	}
	a := accts[0]
	switch {
	case a.Locked:
		detail(w, http.StatusForbidden, "Account is locked")
		return
	case a.Status != "active":
		detail(w, http.StatusForbidden, "Account is not active")
		return
	case !a.Verified:
		detail(w, http.StatusForbidden, "Email not verified")
		return
	}
	s.Logins.Add(1)
	s.issue(w, session{id: a.ID, email: a.Email, roles: a.Roles})
}

func (s *Server) refresh(w http.ResponseWriter, r *http.Request) {
	var in struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil {
		detail(w, http.StatusUnprocessableEntity, "invalid body")
		return
	}
	s.mu.Lock()
	sess, ok := s.ref[in.RefreshToken]
	delete(s.ref, in.RefreshToken) // rotation: a refresh token serves once
	s.mu.Unlock()
	if !ok {
		detail(w, http.StatusUnauthorized, "Invalid refresh token")
		return
	}
	s.Refreshes.Add(1)
	s.issue(w, sess)
}

// issue answers an access token with the app's claims and, unless told
// otherwise, a new opaque refresh token.
func (s *Server) issue(w http.ResponseWriter, sess session) {
	now := time.Now()
	jti := make([]byte, 16)
	_, _ = rand.Read(jti)
	access, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": sess.id, "email": sess.email, "roles": sess.roles, "type": "access",
		"iat": now.Unix(), "exp": now.Add(s.o.TTL).Unix(), "jti": hex.EncodeToString(jti),
	}).SignedString(s.o.Secret)
	if err != nil {
		detail(w, http.StatusInternalServerError, "cannot sign")
		return
	}
	out := map[string]any{"access_token": access, "token_type": "bearer", "expires_in": int(s.o.TTL.Seconds())}
	if !s.o.NoRefreshToken {
		raw := make([]byte, 32)
		_, _ = rand.Read(raw)
		ref := hex.EncodeToString(raw)
		s.mu.Lock()
		s.ref[ref] = sess
		s.mu.Unlock()
		out["refresh_token"] = ref
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) protected(w http.ResponseWriter, r *http.Request) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		detail(w, http.StatusUnauthorized, "Not authenticated")
		return
	}
	claims := jwt.MapClaims{}
	var err error
	if s.o.AcceptTampered {
		_, _, err = jwt.NewParser().ParseUnverified(raw, claims)
	} else {
		opts := []jwt.ParserOption{jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired()}
		if s.o.AcceptExpired {
			opts = []jwt.ParserOption{jwt.WithValidMethods([]string{"HS256"}), jwt.WithoutClaimsValidation()}
		}
		_, err = jwt.NewParser(opts...).ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return s.o.Secret, nil })
	}
	if err != nil || claims["type"] != "access" {
		detail(w, http.StatusUnauthorized, "Could not validate credentials")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": "Hello " + toString(claims["email"])})
}

func toString(v any) string {
	s, _ := v.(string)
	return s
}
