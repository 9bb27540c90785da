package database

// SQLite has no regular expressions, and spelling the rule book's rules
// with GLOB character classes costs about 2 µs a row each (a million users:
// over 4 s of verify). A Go function registered through the driver costs
// about 1 µs a call (go-sqlite3 dispatches through reflection). These
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
extern int sqlite3_value_int(sqlite3_value *);
extern void sqlite3_result_int(sqlite3_context *, int);
extern void sqlite3_result_null(sqlite3_context *);
extern void sqlite3_result_error_nomem(sqlite3_context *);

enum { DHMIG_SQLITE_TEXT = 3, DHMIG_SQLITE_BLOB = 4, DHMIG_SQLITE_NULL = 5 };
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

// dhmig_username_ok(x, max): 1 when x is valid UTF-8 (no overlong form, no
// surrogate, nothing past U+10FFFF: Go's utf8.ValidString), holds no C0, DEL
// or C1 control character and at most max characters; else 0; NULL for NULL.
// target.ValidUsername is the rule; the tests hold the two equal.
static void dhmig_username_ok(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	(void)argc;
	if (sqlite3_value_type(argv[0]) == DHMIG_SQLITE_NULL) { sqlite3_result_null(ctx); return; }
	const unsigned char *s = sqlite3_value_text(argv[0]);
	if (s == NULL) { sqlite3_result_error_nomem(ctx); return; }
	int n = sqlite3_value_bytes(argv[0]);
	int max = sqlite3_value_int(argv[1]);
	int chars = 0;
	for (int i = 0; i < n; chars++) {
		unsigned char c = s[i];
		unsigned int r;
		int size;
		if (c < 0x80) { r = c; size = 1; }
		else if (c >= 0xC2 && c <= 0xDF) { r = c & 0x1F; size = 2; }
		else if (c >= 0xE0 && c <= 0xEF) { r = c & 0x0F; size = 3; }
		else if (c >= 0xF0 && c <= 0xF4) { r = c & 0x07; size = 4; }
		else { sqlite3_result_int(ctx, 0); return; }
		if (i + size > n) { sqlite3_result_int(ctx, 0); return; }
		for (int k = 1; k < size; k++) {
			unsigned char cc = s[i + k];
			if ((cc & 0xC0) != 0x80) { sqlite3_result_int(ctx, 0); return; }
			r = (r << 6) | (cc & 0x3F);
		}
		if ((size == 3 && (r < 0x800 || (r >= 0xD800 && r <= 0xDFFF))) || (size == 4 && (r < 0x10000 || r > 0x10FFFF))) {
			sqlite3_result_int(ctx, 0);
			return;
		}
		if (r < 0x20 || (r >= 0x7F && r <= 0x9F)) { sqlite3_result_int(ctx, 0); return; }
		i += size;
	}
	sqlite3_result_int(ctx, chars <= max);
}

static int dhmig_days_in(int y, int m) {
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
	return days[m - 1];
}

static int dhmig_num(const unsigned char *s, int n) {
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!dhmig_digit(s[i])) return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

// dhmig_time_ok(x): 1 when x is text of the form YYYY-MM-DD HH:MM:SS, with
// nothing or exactly six fractional digits after it, naming a real date and
// time (what SQLAlchemy and Python's sqlite3 read back exactly); else 0;
// NULL for NULL. database.SQLiteTimeTextOK is the rule in Go.
static void dhmig_time_ok(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	(void)argc;
	int type = sqlite3_value_type(argv[0]);
	if (type == DHMIG_SQLITE_NULL) { sqlite3_result_null(ctx); return; }
	if (type != DHMIG_SQLITE_TEXT) { sqlite3_result_int(ctx, 0); return; }
	const unsigned char *s = sqlite3_value_text(argv[0]);
	if (s == NULL) { sqlite3_result_error_nomem(ctx); return; }
	int n = sqlite3_value_bytes(argv[0]);
	if ((n != 19 && n != 26) || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
		(n == 26 && (s[19] != '.' || dhmig_num(s + 20, 6) < 0))) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	int y = dhmig_num(s, 4), mo = dhmig_num(s + 5, 2), d = dhmig_num(s + 8, 2);
	int h = dhmig_num(s + 11, 2), mi = dhmig_num(s + 14, 2), sec = dhmig_num(s + 17, 2);
	int ok = y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 59;
	sqlite3_result_int(ctx, ok && d <= dhmig_days_in(y, mo));
}

static int dhmig_sqlite_init(sqlite3 *db, char **err, const void *api) {
	(void)err;
	(void)api;
	int rc = sqlite3_create_function_v2(db, "dhmig_bcrypt_ok", 1, DHMIG_FUNC_FLAGS, NULL, dhmig_bcrypt_ok, NULL, NULL, NULL);
	if (rc == 0) {
		rc = sqlite3_create_function_v2(db, "dhmig_email_ok", 1, DHMIG_FUNC_FLAGS, NULL, dhmig_email_ok, NULL, NULL, NULL);
	}
	if (rc == 0) {
		rc = sqlite3_create_function_v2(db, "dhmig_username_ok", 2, DHMIG_FUNC_FLAGS, NULL, dhmig_username_ok, NULL, NULL, NULL);
	}
	if (rc == 0) {
		rc = sqlite3_create_function_v2(db, "dhmig_time_ok", 1, DHMIG_FUNC_FLAGS, NULL, dhmig_time_ok, NULL, NULL, NULL);
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
// carry dhmig's rule functions. Open calls it once, before its
// first SQLite connection.
func registerSQLiteFuncs() error {
	sqliteFuncsOnce.Do(func() {
		if rc := C.dhmig_sqlite_register(); rc != 0 {
			sqliteFuncsErr = fmt.Errorf("register dhmig's SQLite functions: sqlite error %d", int(rc))
		}
	})
	return sqliteFuncsErr
}
