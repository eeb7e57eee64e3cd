package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestRepeatFilter feeds records with set times (no sleeps) and checks what gets through.
func TestRepeatFilter(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		msgs []string        // one record per entry
		gaps []time.Duration // time since t0 of each record
		want []string        // messages that reach the inner handler, in order
	}{
		{"distinct records all pass", []string{"a", "b", "a"}, []time.Duration{0, 1, 2},
			[]string{"a", "b", "a"}},
		{"repeats within the window are counted, then reported",
			[]string{"a", "a", "a", "b"}, []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second},
			[]string{"a", "last message repeated 2 times", "b"}},
		{"a repeat after the window passes", []string{"a", "a", "a"}, []time.Duration{0, time.Second, 11 * time.Second},
			[]string{"a", "last message repeated 1 time", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			inner := slog.NewTextHandler(&buf, &slog.HandlerOptions{
				ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
					if a.Key == slog.TimeKey || a.Key == slog.LevelKey {
						return slog.Attr{}
					}
					return a
				},
			})
			f := newRepeatFilter(inner, 10*time.Second)
			for i, m := range tt.msgs {
				r := slog.NewRecord(t0.Add(tt.gaps[i]), slog.LevelWarn, m, 0)
				r.AddAttrs(slog.String("err", "refused"))
				if err := f.Handle(t.Context(), r); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
				msg := strings.TrimPrefix(line, "msg=")
				msg, _, _ = strings.Cut(msg, " err=")
				got = append(got, strings.Trim(msg, `"`))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q\n%s", got, tt.want, buf.String())
			}
		})
	}
}
