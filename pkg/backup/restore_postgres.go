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

// restorePostgres replays the backup through psql in a single
// transaction: clear every schema, then the archive's SQL (pg_restore -f -
// for custom archives, the file itself for plain ones). psql stops at the
// first error and the transaction rolls back. If producing the SQL fails,
// psql is killed before it reaches the end of its input, so it never
// commits a partial restore.
func restorePostgres(ctx context.Context, t database.Target, m Manifest, src string, o RestoreOptions) error {
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
		produce = func(w io.Writer) error {
			cmd := exec.CommandContext(ctx, pgr.Path, "--file=-", src)
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
			_, err = io.Copy(w, fh)
			return err
		}
	default:
		return fmt.Errorf("backup %s: unknown PostgreSQL format %q", m.ID, m.Database.Format)
	}

	cmd := exec.Command(psql.Path, "--no-psqlrc", "--quiet", "--no-password", "--single-transaction",
		"--set=ON_ERROR_STOP=1", "--file=-", "--dbname="+t.URLWithoutPassword())
	env, cleanup, err := toolEnv(t)
	if err != nil {
		return err
	}
	defer cleanup()
	cmd.Env = env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &errOut
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start psql: %w", err)
	}
	abort := func(cause error) error {
		_ = cmd.Process.Kill() // before EOF: psql never sends COMMIT
		_ = cmd.Wait()
		stdin.Close()
		if msg := tail(errOut.String(), t); msg != "" {
			return fmt.Errorf("restore of backup %s abandoned, nothing was changed: %w (psql: %s)", m.ID, cause, msg)
		}
		return fmt.Errorf("restore of backup %s abandoned, nothing was changed: %w", m.ID, cause)
	}
	prelude := fmt.Sprintf(clearSchemasSQL, lockTimeoutLiteral(o.LockTimeout))
	if _, err := io.WriteString(stdin, prelude); err != nil {
		return abort(err)
	}
	if err := produce(stdin); err != nil {
		return abort(err)
	}
	if err := ctx.Err(); err != nil {
		return abort(err)
	}
	if err := stdin.Close(); err != nil {
		return abort(err)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("restore of backup %s failed and was rolled back, nothing was changed: %w",
			m.ID, toolError(filepath.Base(psql.Path), t, err, errOut.String()))
	}
	return nil
}

func lockTimeoutLiteral(d time.Duration) string {
	return fmt.Sprintf("%dms", d.Milliseconds())
}

func tail(s string, t database.Target) string {
	return toolRedact(strings.TrimSpace(s), t)
}
