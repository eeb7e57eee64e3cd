package health

import (
	"errors"
	"slices"
	"testing"
)

func TestParseStatusRanges(t *testing.T) {
	tests := []struct {
		in   string
		want StatusRanges
		str  string
	}{
		{"200", StatusRanges{{200, 200}}, "200"},
		{"200-299", StatusRanges{{200, 299}}, "200-299"},
		{"2xx", StatusRanges{{200, 299}}, "200-299"},
		{"2xx, 301-302,404", StatusRanges{{200, 299}, {301, 302}, {404, 404}}, "200-299,301-302,404"},
		{"599", StatusRanges{{599, 599}}, "599"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseStatusRanges(tt.in)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParseStatusRanges(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.str {
				t.Errorf("String() = %q, want %q", got.String(), tt.str)
			}
		})
	}
}

func TestParseStatusRangesRejects(t *testing.T) {
	for _, in := range []string{"", " ", "20", "2000", "600", "099", "+20", "299-200", "6xx", "0xx", "2xy", "200-", "-200", "200,,300", "abc"} {
		t.Run(in, func(t *testing.T) {
			if got, err := ParseStatusRanges(in); !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("ParseStatusRanges(%q) = %v, %v; want ErrInvalidConfig", in, got, err)
			}
		})
	}
}

func TestStatusRangesContains(t *testing.T) {
	rs := StatusRanges{{200, 299}, {404, 404}}
	for code, want := range map[int]bool{199: false, 200: true, 299: true, 300: false, 404: true, 405: false} {
		if got := rs.Contains(code); got != want {
			t.Errorf("Contains(%d) = %v, want %v", code, got, want)
		}
	}
}

// FuzzParseStatusRanges checks that whatever parses is valid and survives a round trip
// through its String form unchanged.
func FuzzParseStatusRanges(f *testing.F) {
	for _, s := range []string{"200", "2xx,404", "200-299, 301", "5xx", "100-599", "299-200", "", "2xx,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := ParseStatusRanges(s)
		if err != nil {
			return
		}
		for _, r := range rs {
			if r.Min < 100 || r.Max > 599 || r.Min > r.Max {
				t.Fatalf("ParseStatusRanges(%q) accepted invalid range %v", s, r)
			}
		}
		again, err := ParseStatusRanges(rs.String())
		if err != nil || !slices.Equal(again, rs) {
			t.Fatalf("round trip of %q: %q parsed as %v, %v; want %v", s, rs.String(), again, err, rs)
		}
	})
}
