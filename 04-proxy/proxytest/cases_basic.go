package proxytest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gatewaylab/04-proxy/forwarded"
)

func copiesStatusHeadersBody(t *testing.T, f Factory) {
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Upstream", "yes")
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, "created")
	})
	proxy := frontend(t, f, target, nil, nil)
	res, body := get(t, proxy, "/things", nil)
	if res.StatusCode != http.StatusCreated {
		t.Errorf("status %d, want 201 (the course's first proxy always said 200)", res.StatusCode)
	}
	if res.Header.Get("X-Upstream") != "yes" || len(res.Header.Values("Set-Cookie")) != 2 {
		t.Errorf("headers not copied: %v", res.Header)
	}
	if string(body) != "created" {
		t.Errorf("body %q", body)
	}
}

func joinsPathAndQuery(t *testing.T, f Factory) {
	seen := make(chan string, 1)
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		seen <- r.URL.RequestURI()
	})
	base := *target
	base.Path = "/base"
	base.RawQuery = "fixed=1"
	proxy := frontend(t, f, &base, nil, nil)
	get(t, proxy, "/users/42?q=go", nil)
	if got := recv(t, seen, "upstream request"); got != "/base/users/42?fixed=1&q=go" {
		t.Errorf("upstream saw %q, want /base/users/42?fixed=1&q=go", got)
	}
}

func forwardsRequestBody(t *testing.T, f Factory) {
	seen := make(chan string, 1)
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("upstream read body: %v", err)
		}
		seen <- r.Method + " " + string(b)
	})
	proxy := frontend(t, f, target, nil, nil)
	res, err := http.Post(proxy.String()+"/submit", "text/plain", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, res)
	if got := recv(t, seen, "upstream request"); got != "POST payload" {
		t.Errorf("upstream saw %q", got)
	}
}

func stripsHopByHopRequest(t *testing.T, f Factory) {
	seen := make(chan http.Header, 1)
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) { seen <- r.Header.Clone() })
	proxy := frontend(t, f, target, nil, nil)
	rawRoundTrip(t, proxy.Host, "GET / HTTP/1.1\r\nHost: "+proxy.Host+"\r\n"+
		"Connection: X-Secret, keep-alive\r\nX-Secret: s3cret\r\nKeep-Alive: timeout=5\r\n"+
		"Proxy-Authorization: Basic Zm9vOmJhcg==\r\nProxy-Connection: keep-alive\r\n"+
		"TE: trailers\r\nX-End-To-End: kept\r\n\r\n")
	h := recv(t, seen, "upstream request")
	for _, name := range []string{"X-Secret", "Keep-Alive", "Proxy-Authorization", "Proxy-Connection"} {
		if v := h.Get(name); v != "" {
			t.Errorf("hop-by-hop header %s reached the upstream: %q", name, v)
		}
	}
	if h.Get("Te") != "trailers" {
		t.Errorf("TE = %q, want trailers kept", h.Get("Te"))
	}
	if h.Get("X-End-To-End") != "kept" {
		t.Errorf("end-to-end header lost")
	}
}

func stripsHopByHopResponse(t *testing.T, f Factory) {
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "X-Internal")
		w.Header().Set("X-Internal", "upstream-only")
		w.Header().Set("Keep-Alive", "timeout=99")
		w.Header().Set("X-Public", "yes")
	})
	proxy := frontend(t, f, target, nil, nil)
	res, _ := rawRoundTrip(t, proxy.Host, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if v := res.Header.Get("X-Internal"); v != "" {
		t.Errorf("X-Internal reached the client: %q", v)
	}
	if v := res.Header.Get("Keep-Alive"); v == "timeout=99" {
		t.Errorf("upstream Keep-Alive reached the client")
	}
	if res.Header.Get("X-Public") != "yes" {
		t.Errorf("end-to-end header lost")
	}
}

func xffSeenUpstream(t *testing.T, f Factory, trust *forwarded.Trust, sent string) http.Header {
	seen := make(chan http.Header, 1)
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) { seen <- r.Header.Clone() })
	proxy := frontend(t, f, target, trust, nil)
	get(t, proxy, "/", http.Header{"X-Forwarded-For": {sent}, "X-Forwarded-Host": {"evil.test"}})
	return recv(t, seen, "upstream request")
}

func replacesUntrustedXFF(t *testing.T, f Factory) {
	h := xffSeenUpstream(t, f, nil, "6.6.6.6")
	if got := h.Get("X-Forwarded-For"); got != "127.0.0.1" {
		t.Errorf("X-Forwarded-For = %q, want the real peer 127.0.0.1 only", got)
	}
	if got := h.Get("X-Forwarded-Host"); got == "evil.test" {
		t.Errorf("untrusted X-Forwarded-Host passed through")
	}
}

func extendsTrustedXFF(t *testing.T, f Factory) {
	h := xffSeenUpstream(t, f, forwarded.MustParseTrust("127.0.0.0/8"), "198.51.100.7")
	if got := h.Get("X-Forwarded-For"); got != "198.51.100.7, 127.0.0.1" {
		t.Errorf("X-Forwarded-For = %q, want %q", got, "198.51.100.7, 127.0.0.1")
	}
	if got := h.Get("X-Forwarded-Host"); got != "evil.test" {
		t.Errorf("X-Forwarded-Host from a trusted proxy = %q, want it kept", got)
	}
}

func setsForwardedHostProto(t *testing.T, f Factory) {
	seen := make(chan *http.Request, 1)
	target := upstream(t, func(w http.ResponseWriter, r *http.Request) { seen <- r })
	proxy := frontend(t, f, target, nil, nil)
	rawRoundTrip(t, proxy.Host, "GET / HTTP/1.1\r\nHost: api.example.com\r\n\r\n")
	r := recv(t, seen, "upstream request")
	if got := r.Header.Get("X-Forwarded-Host"); got != "api.example.com" {
		t.Errorf("X-Forwarded-Host = %q", got)
	}
	if got := r.Header.Get("X-Forwarded-Proto"); got != "http" {
		t.Errorf("X-Forwarded-Proto = %q", got)
	}
	if want := targetHost(target); r.Host != want {
		t.Errorf("upstream Host = %q, want the target's %q", r.Host, want)
	}
}

func targetHost(u *url.URL) string { return u.Host }
