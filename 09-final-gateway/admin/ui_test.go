package admin_test

import (
	"io/fs"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestDashboardIsServed(t *testing.T) {
	e := newEnv(t)
	t.Run("root redirects", func(t *testing.T) {
		a := e.do(t, "GET", "/", "", "Authorization", "").want(t, http.StatusFound)
		if loc := a.header.Get("Location"); loc != "/ui/" {
			t.Errorf("Location %q", loc)
		}
	})
	t.Run("index", func(t *testing.T) {
		a := e.do(t, "GET", "/ui/", "", "Authorization", "").want(t, http.StatusOK)
		if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("Content-Type %q", ct)
		}
		csp := a.header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if !strings.Contains(string(a.body), `<script type="module" src="js/app.js">`) {
			t.Error("index does not load the app module")
		}
	})
	t.Run("revalidation", func(t *testing.T) {
		a := e.do(t, "GET", "/ui/style.css", "", "Authorization", "").want(t, http.StatusOK)
		e.do(t, "GET", "/ui/style.css", "", "Authorization", "", "If-None-Match", a.header.Get("ETag")).want(t, http.StatusNotModified)
	})
	t.Run("missing file", func(t *testing.T) {
		e.do(t, "GET", "/ui/js/nope.js", "", "Authorization", "").want(t, http.StatusNotFound)
	})
}

// TestEveryModuleImportIsServed catches a misspelt import, which would leave the
// dashboard blank in the browser with no server-side error.
func TestEveryModuleImportIsServed(t *testing.T) {
	e := newEnv(t)
	importRE := regexp.MustCompile(`(?m)^import .* from '\./([a-z]+\.js)';$`)
	files, err := fs.Glob(os.DirFS("ui/js"), "*.js")
	if err != nil || len(files) == 0 {
		t.Fatalf("no modules found: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile("ui/js/" + f)
		if err != nil {
			t.Fatal(err)
		}
		a := e.do(t, "GET", "/ui/js/"+f, "", "Authorization", "").want(t, http.StatusOK)
		if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
			t.Errorf("%s: Content-Type %q (browsers refuse modules that are not JavaScript)", f, ct)
		}
		for _, m := range importRE.FindAllStringSubmatch(string(src), -1) {
			e.do(t, "GET", "/ui/js/"+m[1], "", "Authorization", "").want(t, http.StatusOK)
		}
		if strings.Contains(string(src), "innerHTML") {
			t.Errorf("%s uses innerHTML: build elements with h() so that names cannot become markup", f)
		}
	}
}

func TestChangesAreAudited(t *testing.T) {
	e := newEnv(t)
	e.do(t, "GET", "/api/v1/services", "").want(t, http.StatusOK)
	e.do(t, "POST", "/api/v1/services", `{"name": "shop", "targets": [{"addr": "127.0.0.1:9100"}]}`).want(t, http.StatusCreated)
	e.do(t, "DELETE", "/api/v1/services/hello", "").want(t, http.StatusConflict)
	c, csrf := e.login(t)
	e.do(t, "POST", "/api/v1/apps/acme/secret", "", "Authorization", "", "Cookie", c.Name+"="+c.Value, "X-CSRF-Token", csrf).
		want(t, http.StatusOK)
	e.do(t, "POST", "/api/v1/apps/acme/secret", "", "Authorization", "", "Cookie", c.Name+"="+c.Value).
		want(t, http.StatusForbidden)

	logs := e.logs.lines(t)
	want := []struct{ msg, who, target, result string }{
		{"admin change", "bearer token", "service shop", "ok"},
		{"admin change refused", "bearer token", "service hello", ""},
		{"admin change", "session ", "session", "ok"},
		{"admin change", "session ", "app acme (secret)", "ok"},
		{"admin change refused", "unauthenticated", "", ""},
	}
	if len(logs) != len(want) {
		t.Fatalf("%d audit lines, want %d (reads are not audited): %v", len(logs), len(want), logs)
	}
	for i, w := range want {
		l := logs[i]
		who, _ := l["who"].(string)
		target, _ := l["target"].(string)
		if l["msg"] != w.msg || !strings.HasPrefix(who, w.who) || target != w.target || (w.result != "" && l["result"] != w.result) {
			t.Errorf("line %d = %v, want %+v", i, l, w)
		}
	}
	if logs[1]["status"] != 409.0 || logs[4]["status"] != 403.0 || logs[0]["version"] == nil {
		t.Errorf("audit lines lack the status or the version: %v", logs)
	}
	for _, l := range logs {
		for _, v := range l {
			if s, ok := v.(string); ok && (strings.Contains(s, testToken) || strings.Contains(s, c.Value)) {
				t.Errorf("a credential was logged: %v", l)
			}
		}
	}
}
