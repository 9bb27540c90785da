package backup

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// clearSchemasSQL empties the database inside the restore's transaction:
// every non-system schema is dropped with everything in it (so tables
// created after the backup go too, which pg_restore --clean would leave),
// and public is recreated with its current owner, privileges and comment,
// the state pg_dump assumes. %s is the lock timeout.
const clearSchemasSQL = `SET client_min_messages = warning;
SET lock_timeout = '%s';
DO $dhmig$
DECLARE
	pub_owner text;
	pub_acl aclitem[];
	pub_comment text;
	s record;
	g record;
BEGIN
	SELECT n.nspowner::regrole::text, n.nspacl, obj_description(n.oid, 'pg_namespace')
	  INTO pub_owner, pub_acl, pub_comment
	  FROM pg_namespace n WHERE n.nspname = 'public';
	FOR s IN SELECT nspname FROM pg_namespace
	          WHERE nspname NOT IN ('pg_catalog', 'information_schema')
	            AND nspname NOT LIKE 'pg\_toast%%' AND nspname NOT LIKE 'pg\_temp\_%%'
	LOOP
		EXECUTE format('DROP SCHEMA %%I CASCADE', s.nspname);
	END LOOP;
	EXECUTE format('CREATE SCHEMA public AUTHORIZATION %%s', COALESCE(pub_owner, 'CURRENT_USER'));
	IF pub_acl IS NOT NULL THEN
		FOR g IN SELECT a.privilege_type, a.grantee, a.is_grantable FROM aclexplode(pub_acl) a LOOP
			EXECUTE format('GRANT %%s ON SCHEMA public TO %%s%%s', g.privilege_type,
				CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE g.grantee::regrole::text END,
				CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
		END LOOP;
	END IF;
	IF pub_comment IS NOT NULL THEN
		EXECUTE format('COMMENT ON SCHEMA public IS %%L', pub_comment);
	END IF;
END
$dhmig$;
`

// dumpTrailer ends every script pg_dump and pg_restore write: a stream
// without it near its end was cut, whatever the feeder's exit status.
const dumpTrailer = "-- PostgreSQL database dump complete"

// committedMark is what psql prints once dhmig's COMMIT succeeded; a psql
// that exits 0 without printing it did not commit.
const committedMark = "dhmig-restore-committed"

// restorePostgres replays the backup through psql in one transaction that
// dhmig opens and closes itself: BEGIN, clear every schema, the archive's
// SQL (pg_restore -f - for custom archives, the file itself for plain
// ones), and COMMIT only once the whole stream arrived and its feeder
// exited 0. psql stops at the first error. A stream cut for any reason
// (the feeder or dhmig killed, a failure) ends without COMMIT, and the
// server rolls the transaction back when psql disconnects. The archive's
// bytes are checked against f's checksum: a plain file as it streams (a
// mismatch cuts the stream), a custom archive, which pg_restore reads
// itself, just before.
func restorePostgres(ctx context.Context, t database.Target, m Manifest, src string, f File, o RestoreOptions) error {
	psql, err := restoreTool(ctx, m, "psql")
	if err != nil {
		return err
	}
	var produce func(w io.Writer) error
	switch m.Database.Format {
	case FormatCustom:
		pgr, err := restoreTool(ctx, m, "pg_restore")
		if err != nil {
			return err
		}
		if err := checkSum(src, f.SHA256); err != nil {
			return err
		}
		produce = func(w io.Writer) error {
			cmd := exec.CommandContext(ctx, pgr.Path, "--file=-", src)
			dieWithDhmig(cmd)
			var errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = w, &errOut
			if err := cmd.Run(); err != nil {
				return toolError("pg_restore", t, err, errOut.String())
			}
			return nil
		}
	case FormatPlain:
		produce = func(w io.Writer) error {
			fh, err := os.Open(src)
			if err != nil {
				return err
			}
			defer fh.Close()
			sum, err := copyHashed(w, fh)
			if err == nil && sum != f.SHA256 {
				err = changedSince(src, sum, f.SHA256)
			}
			return err
		}
	default:
		return fmt.Errorf("backup %s: unknown PostgreSQL format %q", m.ID, m.Database.Format)
	}

	// No --single-transaction: with it psql commits at end of input, and
	// a cut stream is an end of input.
	cmd := exec.Command(psql.Path, "--no-psqlrc", "--quiet", "--no-password", "--tuples-only", "--no-align",
		"--set=ON_ERROR_STOP=1", "--file=-", "--dbname="+t.URLWithoutPassword())
	env, cleanup, err := toolEnv(t)
	if err != nil {
		return err
	}
	defer cleanup()
	cmd.Env = env
	dieWithDhmig(cmd)
	pipe, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out := &tailBuffer{keep: 4096}
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &errOut
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start psql: %w", err)
	}
	abort := func(cause error) error {
		_ = cmd.Process.Kill() // the transaction dies with psql's session
		_ = cmd.Wait()
		pipe.Close()
		if msg := tail(errOut.String(), t); msg != "" {
			return fmt.Errorf("restore of backup %s abandoned, nothing was changed: %w (psql: %s)", m.ID, cause, msg)
		}
		return fmt.Errorf("restore of backup %s abandoned, nothing was changed: %w", m.ID, cause)
	}
	stream := &tailBuffer{w: pipe, keep: 4096}
	prelude := "BEGIN;\n" + fmt.Sprintf(clearSchemasSQL, lockTimeoutLiteral(o.LockTimeout))
	if _, err := io.WriteString(stream, prelude); err != nil {
		return abort(err)
	}
	if err := produce(stream); err != nil {
		return abort(err)
	}
	if err := ctx.Err(); err != nil {
		return abort(err)
	}
	if !strings.Contains(stream.String(), dumpTrailer) {
		return abort(fmt.Errorf("the restore script of backup %s ended before the dump's end", m.ID))
	}
	if _, err := io.WriteString(pipe, "\nCOMMIT;\nSELECT '"+committedMark+"';\n"); err != nil {
		return abort(err)
	}
	if err := pipe.Close(); err != nil {
		return abort(err)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("restore of backup %s failed and was rolled back, nothing was changed: %w",
			m.ID, toolError(filepath.Base(psql.Path), t, err, errOut.String()))
	}
	if !strings.Contains(out.String(), committedMark) {
		return fmt.Errorf("restore of backup %s: psql ended without committing, nothing was changed", m.ID)
	}
	return nil
}

// tailBuffer passes writes on to w (when set) and keeps the last keep
// bytes written.
type tailBuffer struct {
	w    io.Writer
	keep int
	buf  []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	var err error
	if b.w != nil {
		n, err = b.w.Write(p)
	}
	b.buf = append(b.buf, p[:n]...)
	if over := len(b.buf) - b.keep; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return n, err
}

func (b *tailBuffer) String() string { return string(b.buf) }

func lockTimeoutLiteral(d time.Duration) string {
	return fmt.Sprintf("%dms", d.Milliseconds())
}

func tail(s string, t database.Target) string {
	return t.RedactText(strings.TrimSpace(s))
}
