package output

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteTableIsPipeFriendly(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, []string{"KEY", "VALUE"}, [][]string{{"database_url", "sqlite:x.db"}, {"a", ""}}); err != nil {
		t.Fatal(err)
	}
	want := "KEY           VALUE\ndatabase_url  sqlite:x.db\na\n"
	if b.String() != want {
		t.Errorf("table =\n%q\nwant\n%q", b.String(), want)
	}
}

func TestParseFormat(t *testing.T) {
	if f, err := ParseFormat(" JSON ", Table, JSON); err != nil || f != JSON {
		t.Errorf("ParseFormat(JSON) = %q, %v", f, err)
	}
	_, err := ParseFormat("junit", Table, JSON)
	if err == nil || !strings.Contains(err.Error(), `"junit"`) || !strings.Contains(err.Error(), "table, json") {
		t.Errorf("ParseFormat(junit) error = %v", err)
	}
}

func TestProgressIsSilentOffTerminal(t *testing.T) {
	s, _, _, errOut := Test()
	p := NewProgress(s, true, 10, "rows")
	p.Add(5)
	p.Finish()
	if errOut.Len() != 0 {
		t.Errorf("a progress bar reached a non-terminal stderr: %q", errOut.String())
	}
	if _, ok := NewProgress(s, true, 10, "rows").(noProgress); !ok {
		t.Error("a progress bar for a non-terminal stderr")
	}
	s.SetTTY(false, true)
	if _, ok := NewProgress(s, true, 10, "rows").(barProgress); !ok {
		t.Error("no progress bar on a terminal")
	}
	if _, ok := NewProgress(s, false, 10, "rows").(noProgress); !ok {
		t.Error("a progress bar despite --no-progress")
	}
}
