package config

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzParse feeds Parse arbitrary files. The seed corpus (testdata/fuzz/FuzzParse) holds
// real configurations (the embedded default, the Kubernetes example, the end-to-end and
// reliability suites' files) and broken ones. Parse must never panic, and:
//
//   - a refused file gives a non-empty *Errors whose every entry has a message and a
//     line inside the file (what an operator fixes the file with);
//   - an accepted file survives the trip the admin API and cluster mode make it take:
//     Marshal, then Parse again, gives the same configuration (Marshal is a fixed
//     point), so a configuration persisted to disk or etcd is the one that was served.
//
// Run it longer with: go test ./09-final-gateway/config -run '^$' -fuzz FuzzParse -fuzztime 1m
func FuzzParse(f *testing.F) {
	f.Add(defaultYAML)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			checkRefusal(t, data, err)
			return
		}
		out, err := Marshal(file.Config)
		if err != nil {
			t.Fatalf("Marshal of an accepted configuration: %v", err)
		}
		again, err := Parse("persisted.yaml", out)
		if err != nil {
			t.Fatalf("an accepted configuration, marshalled, is refused: %v\n%s", err, out)
		}
		out2, err := Marshal(again.Config)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("Marshal is not a fixed point (%v):\n%s\n---\n%s", err, out, out2)
		}
	})
}

// checkRefusal: the error lists every problem with a message and a line in the file.
func checkRefusal(t *testing.T, data []byte, err error) {
	t.Helper()
	var errs *Errors
	if !errors.As(err, &errs) || len(errs.List) == 0 {
		t.Fatalf("error %v (%T) is not a non-empty *Errors", err, err)
	}
	// YAML breaks lines at LF, CRLF and a lone CR.
	lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n")) + 1
	for _, fe := range errs.List {
		if strings.TrimSpace(fe.Msg) == "" {
			t.Fatalf("a problem without a message: %q", err)
		}
		if fe.Line < 0 || fe.Line > lines {
			t.Fatalf("line %d is outside the %d-line file: %q", fe.Line, lines, err)
		}
	}
	if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
		t.Fatalf("error %q does not name the file", err)
	}
}
