package database

// SQLite has no regular expressions; spelling the rule book's rules with
// GLOB character classes, or as Go functions registered through the driver
// (go-sqlite3 dispatches each call through reflection), costs seconds of
// verify on a large table (docs/performance.md). These rules are therefore
// C scalar functions, two orders of magnitude cheaper, registered
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
extern void sqlite3_result_value(sqlite3_context *, sqlite3_value *);
extern void sqlite3_result_text(sqlite3_context *, const char *, int, void (*)(void *));
extern void *sqlite3_get_auxdata(sqlite3_context *, int);
extern void sqlite3_set_auxdata(sqlite3_context *, int, void *, void (*)(void *));
extern void *sqlite3_malloc(int);
extern void sqlite3_free(void *);
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

// dhmig_email_ok(x, max): 1 when x matches ^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$
// and has at most max bytes, else 0; NULL for NULL.
static void dhmig_email_ok(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	(void)argc;
	if (sqlite3_value_type(argv[0]) == DHMIG_SQLITE_NULL) { sqlite3_result_null(ctx); return; }
	const unsigned char *s = sqlite3_value_text(argv[0]);
	if (s == NULL) { sqlite3_result_error_nomem(ctx); return; }
	int n = sqlite3_value_bytes(argv[0]);
	// Every accepted byte is ASCII, so bytes = characters for any match.
	if (n > sqlite3_value_int(argv[1])) { sqlite3_result_int(ctx, 0); return; }
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

// dhmig_binary_cmp compares as SQLite's BINARY collation does.
static int dhmig_binary_cmp(const unsigned char *a, int na, const unsigned char *b, int nb) {
	int c = memcmp(a, b, na < nb ? na : nb);
	return c != 0 ? c : na - nb;
}

// dhmig_time_ok(x, lo, hi): 1 when x is text of the form YYYY-MM-DD
// HH:MM:SS, with nothing or exactly six fractional digits after it, naming
// a real date and time (what SQLAlchemy and Python's sqlite3 read back
// exactly), and lo <= x <= hi as text (in that form, text order is time
// order); else 0; NULL for NULL. database.SQLiteTimeTextOK is the form's
// rule in Go.
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
	ok = ok && d <= dhmig_days_in(y, mo);
	const unsigned char *lo = sqlite3_value_text(argv[1]), *hi = sqlite3_value_text(argv[2]);
	if (ok && (lo == NULL || hi == NULL)) { sqlite3_result_error_nomem(ctx); return; }
	ok = ok && dhmig_binary_cmp(s, n, lo, sqlite3_value_bytes(argv[1])) >= 0 &&
		dhmig_binary_cmp(s, n, hi, sqlite3_value_bytes(argv[2])) <= 0;
	sqlite3_result_int(ctx, ok);
}

// A blank set, parsed once per statement (SQLite keeps it as the constant
// argument's auxiliary data): the encodings of its characters, and the
// bytes such an encoding can start or end with.
typedef struct {
	int n;
	int len[64];
	unsigned char seq[64][4];
	unsigned char first[256], last[256];
} dhmig_blanks;

static dhmig_blanks *dhmig_blank_set(sqlite3_context *ctx, sqlite3_value *arg) {
	dhmig_blanks *b = sqlite3_get_auxdata(ctx, 1);
	if (b != NULL) return b;
	const unsigned char *z = sqlite3_value_text(arg);
	int n = sqlite3_value_bytes(arg);
	b = sqlite3_malloc(sizeof(dhmig_blanks));
	if (b == NULL || z == NULL) { sqlite3_free(b); return NULL; }
	memset(b, 0, sizeof(*b));
	for (int i = 0; i < n && b->n < 64;) {
		int size = z[i] < 0x80 ? 1 : z[i] < 0xE0 ? 2 : z[i] < 0xF0 ? 3 : 4;
		if (i + size > n) size = n - i;
		memcpy(b->seq[b->n], z + i, size);
		b->len[b->n] = size;
		b->first[z[i]] = 1;
		b->last[z[i + size - 1]] = 1;
		b->n++;
		i += size;
	}
	sqlite3_set_auxdata(ctx, 1, b, sqlite3_free);
	// SQLite may free it at once when it cannot keep it: ask again.
	return sqlite3_get_auxdata(ctx, 1) != NULL ? b : NULL;
}

// dhmig_trim_span narrows [*from, *to) of s past the blanks at both ends,
// comparing encoded bytes as SQLite's trim(x, set) does.
static void dhmig_trim_span(const dhmig_blanks *b, const unsigned char *s, int *from, int *to) {
	int i = *from, j = *to, hit = 1;
	while (hit && i < j && b->first[s[i]]) {
		hit = 0;
		for (int k = 0; k < b->n; k++) {
			if (b->len[k] <= j - i && memcmp(s + i, b->seq[k], b->len[k]) == 0) { i += b->len[k]; hit = 1; break; }
		}
	}
	hit = 1;
	while (hit && i < j && b->last[s[j - 1]]) {
		hit = 0;
		for (int k = 0; k < b->n; k++) {
			if (b->len[k] <= j - i && memcmp(s + j - b->len[k], b->seq[k], b->len[k]) == 0) { j -= b->len[k]; hit = 1; break; }
		}
	}
	*from = i;
	*to = j;
}

// dhmig_trim(x, set) is trim(x, set), which costs a comparison with every
// character of set at each end of every value; here a value whose end
// bytes cannot begin or end a blank is returned as it is. lower: 1 also
// maps A-Z to a-z (dhmig_canon_email). target.Trim and target.CanonEmail
// are the rules; the tests hold them equal.
static void dhmig_trim_common(sqlite3_context *ctx, sqlite3_value **argv, int lower) {
	int type = sqlite3_value_type(argv[0]);
	if (type == DHMIG_SQLITE_NULL) { sqlite3_result_null(ctx); return; }
	dhmig_blanks *b = dhmig_blank_set(ctx, argv[1]);
	const unsigned char *s = sqlite3_value_text(argv[0]);
	if (b == NULL || s == NULL) { sqlite3_result_error_nomem(ctx); return; }
	int n = sqlite3_value_bytes(argv[0]);
	int from = 0, to = n;
	dhmig_trim_span(b, s, &from, &to);
	int upper = 0;
	for (int i = from; lower && i < to && !upper; i++) upper = s[i] >= 'A' && s[i] <= 'Z';
	if (type == DHMIG_SQLITE_TEXT && from == 0 && to == n && !upper) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	if (!upper) {
		sqlite3_result_text(ctx, (const char *)s + from, to - from, (void (*)(void *))-1);
		return;
	}
	char *out = sqlite3_malloc(to - from + 1);
	if (out == NULL) { sqlite3_result_error_nomem(ctx); return; }
	for (int i = from; i < to; i++) {
		unsigned char c = s[i];
		out[i - from] = (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
	}
	sqlite3_result_text(ctx, out, to - from, sqlite3_free);
}

static void dhmig_trim(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	(void)argc;
	dhmig_trim_common(ctx, argv, 0);
}

static void dhmig_canon_email(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	(void)argc;
	dhmig_trim_common(ctx, argv, 1);
}

static int dhmig_sqlite_init(sqlite3 *db, char **err, const void *api) {
	(void)err;
	(void)api;
	int rc = sqlite3_create_function_v2(db, "dhmig_bcrypt_ok", 1, DHMIG_FUNC_FLAGS, NULL, dhmig_bcrypt_ok, NULL, NULL, NULL);
	if (rc == 0) {
		rc = sqlite3_create_function_v2(db, "dhmig_email_ok", 2, DHMIG_FUNC_FLAGS, NULL, dhmig_email_ok, NULL, NULL, NULL);
	}
	if (rc == 0) {
		rc = sqlite3_create_function_v2(db, "dhmig_username_ok", 2, DHMIG_FUNC_FLAGS, NULL, dhmig_username_ok, NULL, NULL, NULL);
	}
	if (rc == 0) {
		rc = sqlite3_create_function_v2(db, "dhmig_time_ok", 3, DHMIG_FUNC_FLAGS, NULL, dhmig_time_ok, NULL, NULL, NULL);
	}
	if (rc == 0) {
		rc = sqlite3_create_function_v2(db, "dhmig_trim", 2, DHMIG_FUNC_FLAGS, NULL, dhmig_trim, NULL, NULL, NULL);
	}
	if (rc == 0) {
		rc = sqlite3_create_function_v2(db, "dhmig_canon_email", 2, DHMIG_FUNC_FLAGS, NULL, dhmig_canon_email, NULL, NULL, NULL);
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
