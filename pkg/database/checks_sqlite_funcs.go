package database

// SQLite has no regular expressions, and spelling the bcrypt and email rules
// with GLOB character classes costs about 2 µs a row each (a million users:
// over 4 s of verify). A Go function registered through the driver costs
// about 1 µs a call (go-sqlite3 dispatches through reflection). These two
// rules are therefore C scalar functions, about 0.02 µs a row, registered
// with sqlite3_auto_extension so that every SQLite connection the process
// opens has them. They are pure byte tests over ASCII classes; any byte
// outside a class (a NUL, a non-ASCII byte) fails the rule, as it fails the
// application's regular expression and PostgreSQL's. checks_test.go proves
// they agree with PostgreSQL case by case and on random strings.

/*
#include <stddef.h>
#include <string.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_context sqlite3_context;
typedef struct sqlite3_value sqlite3_value;

extern int sqlite3_auto_extension(void (*)(void));
extern int sqlite3_create_function_v2(sqlite3 *, const char *, int, int, void *,
	void (*)(sqlite3_context *, int, sqlite3_value **),
	void (*)(sqlite3_context *, int, sqlite3_value **),
	void (*)(sqlite3_context *), void (*)(void *));
extern int sqlite3_value_type(sqlite3_value *);
extern const unsigned char *sqlite3_value_text(sqlite3_value *);
extern int sqlite3_value_bytes(sqlite3_value *);
extern void sqlite3_result_int(sqlite3_context *, int);
extern void sqlite3_result_null(sqlite3_context *);
extern void sqlite3_result_error_nomem(sqlite3_context *);

enum { DHMIG_SQLITE_BLOB = 4, DHMIG_SQLITE_NULL = 5 };
enum { DHMIG_FUNC_FLAGS = 1 | 0x800 | 0x200000 }; // UTF8 | DETERMINISTIC | INNOCUOUS

static int dhmig_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int dhmig_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// dhmig_bcrypt_ok(x): 1 when x is $2a$/$2b$/$2y$, a two-digit cost 04-31,
// $ and 53 characters of [./A-Za-z0-9] (60 in all), else 0; NULL for NULL.
// A BLOB is never accepted (the rule compares text).
static void dhmig_bcrypt_ok(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	(void)argc;
	int type = sqlite3_value_type(argv[0]);
	if (type == DHMIG_SQLITE_NULL) { sqlite3_result_null(ctx); return; }
	if (type == DHMIG_SQLITE_BLOB) { sqlite3_result_int(ctx, 0); return; }
	const unsigned char *h = sqlite3_value_text(argv[0]);
	if (h == NULL) { sqlite3_result_error_nomem(ctx); return; }
	int n = sqlite3_value_bytes(argv[0]);
	int ok = n == 60 && h[0] == '$' && h[1] == '2' && (h[2] == 'a' || h[2] == 'b' || h[2] == 'y') &&
		h[3] == '$' && h[4] >= '0' && h[4] <= '3' && dhmig_digit(h[5]) && h[6] == '$';
	if (ok) {
		int cost = (h[4] - '0') * 10 + (h[5] - '0');
		ok = cost >= 4 && cost <= 31;
	}
	for (int i = 7; ok && i < 60; i++) {
		unsigned char c = h[i];
		ok = dhmig_alpha(c) || dhmig_digit(c) || c == '.' || c == '/';
	}
	sqlite3_result_int(ctx, ok);
}

// dhmig_email_ok(x): 1 when x matches ^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$
// and has at most 254 characters, else 0; NULL for NULL.
static void dhmig_email_ok(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	(void)argc;
	if (sqlite3_value_type(argv[0]) == DHMIG_SQLITE_NULL) { sqlite3_result_null(ctx); return; }
	const unsigned char *s = sqlite3_value_text(argv[0]);
	if (s == NULL) { sqlite3_result_error_nomem(ctx); return; }
	int n = sqlite3_value_bytes(argv[0]);
	// Every accepted byte is ASCII, so bytes = characters for any match.
	if (n > 254) { sqlite3_result_int(ctx, 0); return; }
	int at = 0;
	while (at < n && s[at] != '@') {
		unsigned char c = s[at];
		if (!(dhmig_alpha(c) || dhmig_digit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-')) {
			sqlite3_result_int(ctx, 0);
			return;
		}
		at++;
	}
	if (at == 0 || at == n) { sqlite3_result_int(ctx, 0); return; }
	for (int i = at + 1; i < n; i++) {
		unsigned char c = s[i];
		if (!(dhmig_alpha(c) || dhmig_digit(c) || c == '.' || c == '-')) { sqlite3_result_int(ctx, 0); return; }
	}
	// The domain ends with at least two letters, preceded by a dot, with at
	// least one character before that dot.
	int j = n;
	while (j > at + 1 && dhmig_alpha(s[j - 1])) j--;
	int dot = j - 1;
	sqlite3_result_int(ctx, n - j >= 2 && dot >= at + 2 && s[dot] == '.');
}

static int dhmig_sqlite_init(sqlite3 *db, char **err, const void *api) {
	(void)err;
	(void)api;
	int rc = sqlite3_create_function_v2(db, "dhmig_bcrypt_ok", 1, DHMIG_FUNC_FLAGS, NULL, dhmig_bcrypt_ok, NULL, NULL, NULL);
	if (rc == 0) {
		rc = sqlite3_create_function_v2(db, "dhmig_email_ok", 1, DHMIG_FUNC_FLAGS, NULL, dhmig_email_ok, NULL, NULL, NULL);
	}
	return rc;
}

static int dhmig_sqlite_register(void) {
	return sqlite3_auto_extension((void (*)(void))dhmig_sqlite_init);
}
*/
import "C"

import (
	"fmt"
	"sync"
)

var (
	sqliteFuncsOnce sync.Once
	sqliteFuncsErr  error
)

// registerSQLiteFuncs makes every SQLite connection opened from now on
// carry dhmig_bcrypt_ok and dhmig_email_ok. Open calls it once, before its
// first SQLite connection.
func registerSQLiteFuncs() error {
	sqliteFuncsOnce.Do(func() {
		if rc := C.dhmig_sqlite_register(); rc != 0 {
			sqliteFuncsErr = fmt.Errorf("register dhmig's SQLite functions: sqlite error %d", int(rc))
		}
	})
	return sqliteFuncsErr
}
