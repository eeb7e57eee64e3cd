package headers_test

import (
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"gatewaylab/07-middleware/headers"
)

// FuzzRules builds the middleware from one fuzzed rule of each kind and sends a request
// through it. A rule the middleware accepts must be one net/http can put on the wire
// (RFC 9110 section 5: a token for the name; no control character but HTAB in the
// value, which Go's Transport refuses to send, failing every request of the route);
// and an accepted rule does exactly what it says: Remove deletes the header, Set
// replaces every value with its own, Add appends its value after the client's.
//
// Run it longer with: go test ./07-middleware/headers -run '^$' -fuzz FuzzRules -fuzztime 1m
func FuzzRules(f *testing.F) {
	f.Add("X-Env", "prod, eu-west", "X-Tag", "gateway", "X-Debug")
	f.Add("x-lower", "", "X-Tag", "a\tb", "Server")
	f.Fuzz(func(t *testing.T, setName, setValue, addName, addValue, removeName string) {
		if textproto.CanonicalMIMEHeaderKey(setName) == textproto.CanonicalMIMEHeaderKey(addName) ||
			strings.EqualFold(setName, "Host") {
			return // one rule per header keeps the expected outcome simple
		}
		var seen http.Header
		h, err := headers.New(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { seen = r.Header.Clone() }),
			headers.Config{Request: headers.Rules{
				Set: map[string]string{setName: setValue}, Add: map[string]string{addName: addValue},
				Remove: []string{removeName},
			}})
		sendable := validName(setName) && validValue(setValue) && validName(addName) && validValue(addValue) && validName(removeName)
		if err != nil {
			if sendable {
				t.Fatalf("a rule net/http can send was refused: %v", err)
			}
			return
		}
		if !sendable {
			t.Fatalf("accepted a rule net/http cannot send: set %q=%q add %q=%q remove %q", setName, setValue, addName, addValue, removeName)
		}
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set(addName, "client")
		req.Header.Set(removeName, "client")
		h.ServeHTTP(httptest.NewRecorder(), req)
		checkApplied(t, seen, setName, setValue, addName, addValue, removeName)
	})
}

// checkApplied: Remove ran first, then Set, then Add.
func checkApplied(t *testing.T, seen http.Header, setName, setValue, addName, addValue, removeName string) {
	t.Helper()
	set, add, remove := textproto.CanonicalMIMEHeaderKey(setName), textproto.CanonicalMIMEHeaderKey(addName),
		textproto.CanonicalMIMEHeaderKey(removeName)
	if got := seen.Values(set); len(got) != 1 || got[0] != setValue {
		t.Fatalf("Set %s=%q: upstream got %q", set, setValue, got)
	}
	want := []string{"client", addValue}
	if add == remove {
		want = want[1:]
	}
	if got := seen.Values(add); strings.Join(got, "\x00") != strings.Join(want, "\x00") {
		t.Fatalf("Add %s=%q: upstream got %q, want %q", add, addValue, got, want)
	}
	if remove != set && remove != add && len(seen.Values(remove)) > 0 {
		t.Fatalf("Remove %s: upstream still got %q", remove, seen.Values(remove))
	}
}

// validName reports whether s is an RFC 9110 token, the only thing a field name may be.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// validValue reports whether s may be sent as a field value: no control character but
// HTAB (RFC 9110 section 5.5; what net/http's Transport checks before sending).
func validValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
