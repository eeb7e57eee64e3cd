// Package demo is the plumbing the stage's demos share: servers with safe defaults and
// graceful shutdown, an in-process upstream, a reverse proxy and a small client for the
// scripted tour each demo prints before it starts serving.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// NewServer returns an http.Server with the timeouts and limits every server here has.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// Server is a running server.
type Server struct {
	URL  string
	srv  *http.Server
	done chan error
}

// Start listens on addr ("127.0.0.1:0" for any free port) and serves h until ctx ends
// or Shutdown is called.
func Start(ctx context.Context, addr string, h http.Handler) (*Server, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), srv: NewServer(h), done: make(chan error, 1)}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// Shutdown drains the server for up to 5 seconds, then closes what is left.
func (s *Server) Shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(err, s.srv.Close())
	}
	if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}

// Proxy returns a reverse proxy to target that passes the client's Host on.
func Proxy(target string) (http.Handler, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("parse upstream %q: %w", target, err)
	}
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.SetXForwarded()
		},
		ErrorLog: log.New(io.Discard, "", 0), // the demo prints what matters itself
	}, nil
}

// Response is what the tour prints about one request.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Do sends one request and reads the whole answer.
func Do(ctx context.Context, method, url string, header http.Header, body string) (Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return Response{}, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Response{}, err
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: strings.TrimSpace(string(b))}, nil
}

// Step prints a numbered heading for the tour.
func Step(n int, format string, args ...any) {
	fmt.Printf("\n%d. %s\n", n, fmt.Sprintf(format, args...))
}

// Main runs run with a context that ends on Ctrl-C or SIGTERM and exits non-zero with
// the error, prefixed by name, if it fails.
func Main(name string, run func(ctx context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// Gateway serves h on addr, plays tour against it, prints the lines tryNext prints, then
// serves until ctx ends and shuts down gracefully.
func Gateway(ctx context.Context, addr, upstream string, h http.Handler, tour func(base string) error, tryNext func(base string)) error {
	gw, err := Start(ctx, addr, h)
	if err != nil {
		return err
	}
	fmt.Printf("gateway on %s -> upstream %s\n", gw.URL, upstream)
	if err := tour(gw.URL); err != nil {
		return errors.Join(err, gw.Shutdown())
	}
	tryNext(gw.URL)
	<-ctx.Done()
	fmt.Println("\nshutting down")
	return gw.Shutdown()
}

// Stop shuts s down and reports a failure on stderr; for defer.
func (s *Server) Stop() {
	if err := s.Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "shutdown:", err)
	}
}

// Close closes c and reports a failure on stderr; for defer.
func Close(what string, c io.Closer) {
	if err := c.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "close %s: %v\n", what, err)
	}
}
