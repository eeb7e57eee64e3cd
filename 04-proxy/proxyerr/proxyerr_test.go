package proxyerr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestStatus(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("dial 10.0.0.1:80: %w", err) }
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"no upstream", wrap(ErrNoUpstream), 503},
		{"client canceled", wrap(context.Canceled), 499},
		{"deadline", wrap(context.DeadlineExceeded), 504},
		{"net timeout", &net.OpError{Op: "read", Err: timeoutErr{}}, 504},
		{"refused", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, 502},
		{"reset", wrap(syscall.ECONNRESET), 502},
		{"eof", wrap(io.EOF), 502},
		{"unexpected eof", wrap(io.ErrUnexpectedEOF), 502},
		{"body too large", wrap(&http.MaxBytesError{Limit: 10}), 413},
		{"other", errors.New("tls: bad certificate"), 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, reason := Status(tt.err)
			if code != tt.want {
				t.Errorf("Status = %d, want %d", code, tt.want)
			}
			if strings.Contains(reason, "10.0.0.1") {
				t.Errorf("reason %q leaks the upstream address", reason)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Length", "99") // left over from a failed attempt
	if code := Write(rec, syscall.ECONNREFUSED); code != 502 {
		t.Fatalf("Write returned %d", code)
	}
	if rec.Code != 502 || rec.Body.String() != "Bad Gateway: upstream refused the connection\n" {
		t.Errorf("got %d %q", rec.Code, rec.Body.String())
	}
	if rec.Header().Get("Content-Length") != "" {
		t.Error("stale Content-Length kept")
	}

	rec = httptest.NewRecorder()
	if code := Write(rec, context.Canceled); code != 499 || rec.Body.Len() != 0 || rec.Code != 200 {
		t.Errorf("client gone: code %d, wrote %d %q", code, rec.Code, rec.Body.String())
	}
}
