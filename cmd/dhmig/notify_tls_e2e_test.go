package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database/dbtest"
)

// TestNotifySTARTTLSE2E: the default path, without --smtp-insecure, against
// a server that requires STARTTLS: the certificate is verified (an untrusted
// one stops the run before anything is sent) and the login goes inside TLS.
func TestNotifySTARTTLSE2E(t *testing.T) {
	tg := dbtest.SQLite(t)
	_, dir, env, users := notifyFixture(t, tg)
	certFile, keyFile := selfSignedCert(t, t.TempDir())
	mp := startMailpit(t, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, "--smtp-require-starttls")
	env = append(env, mp.env()...)

	r := runDhmig(t, dir, env, "notify", "--execute")
	mustCode(t, r, 1)
	if !strings.Contains(r.Stderr, "certificate") || len(mp.messages()) != 0 {
		t.Fatalf("an untrusted certificate must stop the run before sending:\n%s", r)
	}
	noSecret(t, r)

	r = runDhmig(t, dir, append(env, "SSL_CERT_FILE="+certFile), "notify", "--execute", "--rate", "50", "--verbose")
	mustCode(t, r, 0)
	noSecret(t, r)
	if !strings.Contains(r.Stderr, "zoe@example.com") {
		t.Errorf("--verbose logs each address (and only --verbose does):\n%s", r)
	}
	if n := len(mp.byRecipient()); n != len(users) {
		t.Errorf("delivered to %d users over STARTTLS, want %d\n%s", n, len(users), r)
	}
}

// selfSignedCert writes a certificate for 127.0.0.1 and its key.
func selfSignedCert(t *testing.T, dir string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "dhmig test SMTP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "smtp.pem"), filepath.Join(dir, "smtp.key")
	writeFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb})))
	return certFile, keyFile
}
