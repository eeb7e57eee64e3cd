package reqpath

import (
	"net/http/httptest"
	"testing"
)

func TestWithLeavesTheOriginalAlone(t *testing.T) {
	r := httptest.NewRequest("GET", "/a%2Fb?x=1", nil)
	r2 := With(r, "/c", "")
	if r.URL.Path != "/a/b" || r.URL.RawPath != "/a%2Fb" {
		t.Errorf("original changed to %q %q", r.URL.Path, r.URL.RawPath)
	}
	if r2.URL.Path != "/c" || r2.URL.RawPath != "" || r2.URL.RawQuery != "x=1" {
		t.Errorf("copy = %q %q %q; want /c, no raw path, query kept", r2.URL.Path, r2.URL.RawPath, r2.URL.RawQuery)
	}
}
