package database

import (
	"errors"
	"testing"
	"time"
)

func TestAppendCopyRows(t *testing.T) {
	got, err := appendCopyRows(nil, [][]any{
		{"a\tb\nc\rd\\e", nil, true, false, 42, int64(-7)},
		{"", "plain"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "a\\tb\\nc\\rd\\\\e\t\\N\tt\tf\t42\t-7\n\tplain"
	if string(got) != want {
		t.Errorf("appendCopyRows = %q, want %q", got, want)
	}
	// A value without a text form here sends the batch the slow way.
	for _, v := range []any{time.Now(), 1.5, []byte("x")} {
		if _, err := appendCopyRows(nil, [][]any{{"a", v}}); !errors.Is(err, errCopyType) {
			t.Errorf("%T: err = %v, want errCopyType", v, err)
		}
	}
}
