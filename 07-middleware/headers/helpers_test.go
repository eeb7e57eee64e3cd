package headers_test

import (
	"net/http"
	"net/http/httputil"
	"net/url"
)

func proxyTo(target string) http.Handler {
	u, err := url.Parse(target)
	if err != nil {
		panic(err)
	}
	return &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		pr.Out.Host = pr.In.Host // keep the Host the gateway decided on
	}}
}
