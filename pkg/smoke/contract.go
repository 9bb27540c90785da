package smoke

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Paths are the guide's API contract: POST Login with JSON {email,
// password} answers {access_token, refresh_token}; POST Refresh with JSON
// {refresh_token} answers a new pair; GET Protected with
// "Authorization: Bearer <access token>" answers 200, or 401 for a token it
// refuses.
type Paths struct {
	Login, Refresh, Protected string
}

// DefaultPaths are the guide's: the auth router under /api/auth and its
// example protected endpoint.
var DefaultPaths = Paths{Login: "/api/auth/login", Refresh: "/api/auth/refresh", Protected: "/api/protected-endpoint"}

// ClientOptions configure a Client.
type ClientOptions struct {
	// Server is the base URL (http or https), e.g. http://127.0.0.1:8000.
	Server string
	Paths  Paths
	// Timeout bounds each request, from sending to reading the body.
	Timeout time.Duration
	// Conns is how many connections to keep alive (the load test's
	// concurrency); default 2.
	Conns int
}

// Client speaks the guide's contract to one server over kept-alive
// connections.
type Client struct {
	http    *http.Client
	base    *url.URL
	paths   Paths
	timeout time.Duration
}

// DefaultTimeout bounds a request when ClientOptions.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// NewClient checks the server URL and paths and builds a client.
func NewClient(o ClientOptions) (*Client, error) {
	base, err := parseServer(o.Server)
	if err != nil {
		return nil, err
	}
	if o.Paths == (Paths{}) {
		o.Paths = DefaultPaths
	}
	for name, p := range map[string]string{"login": o.Paths.Login, "refresh": o.Paths.Refresh, "protected": o.Paths.Protected} {
		if !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("the %s path %q must start with /", name, p)
		}
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Conns < 2 {
		o.Conns = 2
	}
	tr := &http.Transport{
		Proxy:               nil, // a smoke test is about this server, not a proxy in between
		DialContext:         (&net.Dialer{Timeout: o.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        o.Conns,
		MaxIdleConnsPerHost: o.Conns,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: o.Timeout,
		ForceAttemptHTTP2:   true,
	}
	return &Client{
		http: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			// A redirect from a login endpoint would resend credentials
			// elsewhere: report it as the answer instead of following.
			return http.ErrUseLastResponse
		}},
		base: base, paths: o.Paths, timeout: o.Timeout,
	}, nil
}

// Close releases the kept-alive connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// parseServer checks a server URL: http or https, a host, no credentials,
// query or fragment (they would be sent to every endpoint, or printed).
func parseServer(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case raw == "":
		return nil, errors.New("no server URL: give --server (or DHMIG_SMOKE_SERVER_URL)")
	case err != nil:
		return nil, fmt.Errorf("server URL does not parse: %v", errors.Unwrap(err))
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("server URL must start with http:// or https://")
	case u.Host == "":
		return nil, fmt.Errorf("server URL has no host")
	case u.User != nil:
		return nil, fmt.Errorf("server URL must not hold credentials")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("server URL must not have a query or fragment")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

// Server is the base URL, for reports.
func (c *Client) Server() string { return c.base.String() }

// Tokens are what a login or a refresh answered.
type Tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

// Exchange is one request's outcome: the HTTP status (0 when no response
// came), how long it took, the server's error message (FastAPI's "detail",
// untrusted), and Err when the request failed or the answer was unusable.
type Exchange struct {
	Status  int
	Latency time.Duration
	Detail  string
	Err     error
	Kind    ErrorKind
}

// OK reports a 2xx answer without error.
func (e Exchange) OK() bool { return e.Err == nil && e.Status >= 200 && e.Status < 300 }

// maxBody bounds what is read of an answer: tokens are small, and a server
// that streams megabytes is not one to keep reading.
const maxBody = 64 << 10

// Login posts the credentials; the tokens are set on a 2xx answer with an
// access token.
func (c *Client) Login(ctx context.Context, email string, password []byte) (Tokens, Exchange) {
	body, err := json.Marshal(struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}{email, string(password)})
	if err != nil {
		return Tokens{}, Exchange{Err: err, Kind: KindBadResponse}
	}
	return c.tokens(ctx, c.paths.Login, body)
}

// Refresh exchanges a refresh token for a new pair.
func (c *Client) Refresh(ctx context.Context, refresh string) (Tokens, Exchange) {
	body, err := json.Marshal(struct {
		RefreshToken string `json:"refresh_token"`
	}{refresh})
	if err != nil {
		return Tokens{}, Exchange{Err: err, Kind: KindBadResponse}
	}
	return c.tokens(ctx, c.paths.Refresh, body)
}

func (c *Client) tokens(ctx context.Context, path string, body []byte) (Tokens, Exchange) {
	var t Tokens
	ex, raw := c.do(ctx, http.MethodPost, path, "", body)
	if !ex.OK() {
		return t, ex
	}
	if err := json.Unmarshal(raw, &t); err != nil || t.AccessToken == "" {
		ex.Err, ex.Kind = errors.New("the answer holds no access_token"), KindBadResponse
	}
	return t, ex
}

// Protected calls the protected endpoint with a bearer token.
func (c *Client) Protected(ctx context.Context, accessToken string) Exchange {
	ex, _ := c.do(ctx, http.MethodGet, c.paths.Protected, accessToken, nil)
	return ex
}

func (c *Client) do(ctx context.Context, method, path, bearer string, body []byte) (Exchange, []byte) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := *c.base
	u.Path += path
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return Exchange{Err: err, Kind: KindConnection}, nil
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return Exchange{Latency: time.Since(start), Err: err, Kind: classify(err)}, nil
	}
	raw, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	// Drain a little more so that the connection can be reused.
	_, _ = io.CopyN(io.Discard, resp.Body, maxBody)
	resp.Body.Close()
	ex := Exchange{Status: resp.StatusCode, Latency: time.Since(start)}
	if rerr != nil {
		ex.Err, ex.Kind = fmt.Errorf("read the answer: %w", rerr), classify(rerr)
		return ex, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		ex.Kind = statusKind(resp.StatusCode)
		ex.Detail = serverDetail(raw)
	}
	return ex, raw
}

// serverDetail is FastAPI's {"detail": "..."} message, when there is one.
func serverDetail(raw []byte) string {
	var d struct {
		Detail any `json:"detail"`
	}
	if json.Unmarshal(raw, &d) != nil {
		return ""
	}
	if s, ok := d.Detail.(string); ok {
		return s
	}
	return ""
}
