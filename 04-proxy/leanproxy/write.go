package leanproxy

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"gatewaylab/04-proxy/internal/httplex"
)

// Errors for requests the lean path refuses to put on the wire, as net/http's
// Transport refuses them: a value with a line break would let one header smuggle
// another.
var (
	ErrInvalidMethod      = errors.New("leanproxy: invalid method")
	ErrInvalidHost        = errors.New("leanproxy: invalid Host header")
	ErrInvalidURI         = errors.New("leanproxy: invalid request URI")
	ErrInvalidHeaderName  = errors.New("leanproxy: invalid header field name")
	ErrInvalidHeaderValue = errors.New("leanproxy: invalid header field value")
	ErrBodyLength         = errors.New("leanproxy: request body shorter than its ContentLength")
)

// headersWeWrite are the request headers written from Request fields, not from
// Header (net/http's reqWriteExcludeHeader).
var headersWeWrite = map[string]bool{
	"Host": true, "User-Agent": true, "Content-Length": true, "Transfer-Encoding": true, "Trailer": true,
}

// writeRequest writes req in HTTP/1.1 origin form: request line, Host, the headers,
// framing (Content-Length), then the body. It produces what http.Request.Write would
// for the requests the lean path takes (header order aside), without its allocations.
func writeRequest(bw *bufio.Writer, req *http.Request) error {
	if err := writeRequestLine(bw, req); err != nil {
		return err
	}
	if err := writeHeader(bw, req); err != nil {
		return err
	}
	if !hasBody(req) {
		return nil
	}
	return copyBody(bw, req.Body, req.ContentLength)
}

func writeRequestLine(bw *bufio.Writer, req *http.Request) error {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	} else if !httplex.IsToken(method) {
		return fmt.Errorf("%w %q", ErrInvalidMethod, method)
	}
	bw.WriteString(method)
	bw.WriteByte(' ')
	if err := writeURI(bw, req); err != nil {
		return err
	}
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	if !httplex.ValidHost(host) {
		return fmt.Errorf("%w %q", ErrInvalidHost, host)
	}
	bw.WriteString(host)
	_, err := bw.WriteString("\r\n")
	return err
}

// writeURI writes the path and query without building RequestURI's string.
func writeURI(bw *bufio.Writer, req *http.Request) error {
	u := req.URL
	path := u.EscapedPath()
	if u.Opaque != "" {
		path = u.RequestURI()
	} else if path == "" {
		path = "/"
	}
	if !httplex.ValidURI(path) || !httplex.ValidURI(u.RawQuery) {
		return fmt.Errorf("%w %q", ErrInvalidURI, path)
	}
	bw.WriteString(path)
	if u.Opaque == "" && (u.ForceQuery || u.RawQuery != "") {
		bw.WriteByte('?')
		bw.WriteString(u.RawQuery)
	}
	return nil
}

func writeHeader(bw *bufio.Writer, req *http.Request) error {
	if err := writeUserAgent(bw, req.Header); err != nil {
		return err
	}
	for name, values := range req.Header {
		if headersWeWrite[name] {
			continue
		}
		if !httplex.IsToken(name) {
			return fmt.Errorf("%w %q", ErrInvalidHeaderName, name)
		}
		for _, v := range values {
			if err := writeField(bw, name, v); err != nil {
				return err
			}
		}
	}
	switch {
	case hasBody(req):
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(bw.AvailableBuffer(), req.ContentLength, 10))
		bw.WriteString("\r\n")
	case req.Method == http.MethodPost || req.Method == http.MethodPut || req.Method == http.MethodPatch:
		bw.WriteString("Content-Length: 0\r\n") // many servers want it for these methods
	}
	if req.Close && !hasCloseToken(req.Header) {
		bw.WriteString("Connection: close\r\n")
	}
	_, err := bw.WriteString("\r\n")
	return err
}

// writeUserAgent follows net/http: no User-Agent key means Go's default; a key with an
// empty value (what httputil.ReverseProxy sets when the client sent none) means none.
func writeUserAgent(bw *bufio.Writer, h http.Header) error {
	ua := defaultUserAgent
	if vs, ok := h["User-Agent"]; ok {
		ua = ""
		if len(vs) > 0 {
			ua = vs[0]
		}
	}
	if ua == "" {
		return nil
	}
	return writeField(bw, "User-Agent", ua)
}

func writeField(bw *bufio.Writer, name, value string) error {
	if !httplex.ValidValue(value) {
		return fmt.Errorf("%w for %s", ErrInvalidHeaderValue, name)
	}
	bw.WriteString(name)
	bw.WriteString(": ")
	bw.WriteString(strings.Trim(value, " \t"))
	_, err := bw.WriteString("\r\n")
	return err
}

func hasCloseToken(h http.Header) bool {
	for _, v := range h["Connection"] {
		for tok := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "close") {
				return true
			}
		}
	}
	return false
}

// copyBody copies exactly n bytes of body into bw's own buffer (no copy buffer of
// its own), flushing as it fills.
func copyBody(bw *bufio.Writer, body io.Reader, n int64) error {
	for n > 0 {
		if bw.Available() == 0 {
			if err := bw.Flush(); err != nil {
				return err
			}
		}
		buf := bw.AvailableBuffer()
		buf = buf[:min(int64(cap(buf)), n)]
		m, err := body.Read(buf)
		bw.Write(buf[:m])
		n -= int64(m)
		if err == io.EOF && n > 0 {
			return ErrBodyLength
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("leanproxy: read request body: %w", err)
		}
	}
	return nil
}
