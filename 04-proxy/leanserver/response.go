package leanserver

import (
	"bufio"
	"net"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"gatewaylab/04-proxy/internal/httplex"
)

// bufferBeforeChunking is how much body a response holds before it commits to
// chunked encoding: a handler that finishes within it gets a Content-Length instead,
// as with net/http.
const bufferBeforeChunking = 2048

// response is the http.ResponseWriter of one request. Like net/http's, it is for the
// handler's goroutine (and a request body's reader, for 100 Continue) only.
type response struct {
	c      *conn
	req    *http.Request
	header http.Header
	body   *serverBody

	status        int   // final status, 0 until WriteHeader
	committed     bool  // status line and header are in the connection's buffer
	contentLength int64 // declared length, -1 when unknown
	written       int64 // body bytes accepted
	chunked       bool
	noBody        bool // HEAD, 204, 304: a body is never sent
	closeAfter    bool
	handlerDone   bool
	hijacked      bool
	fullDuplex    bool   // the handler reads the body while it writes the response
	pending       []byte // body held before commit, so a short one gets a Content-Length
	trailers      []string
}

var (
	// ErrHijacked is what a write to a hijacked response returns (net/http's error).
	ErrHijacked = http.ErrHijacked
	// ErrContentLength is what a write beyond the declared Content-Length returns.
	ErrContentLength = http.ErrContentLength
)

func (w *response) Header() http.Header { return w.header }

// WriteHeader records the status. A 1xx other than 101 goes out at once, with the
// header as it is, and a final status can still follow; everything else waits for
// the first body byte, a flush or the handler's return, so that the framing can be
// chosen with the most knowledge.
func (w *response) WriteHeader(code int) {
	if w.hijacked || w.status != 0 {
		return
	}
	if code < 100 || code > 999 {
		panic("leanserver: invalid WriteHeader code " + strconv.Itoa(code))
	}
	if code < 200 && code != http.StatusSwitchingProtocols {
		w.writeInformational(code)
		return
	}
	w.status = code
	w.noBody = code < 200 || code == http.StatusNoContent || code == http.StatusNotModified || w.req.Method == http.MethodHead
	if cl := w.header.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			w.contentLength = n
		} else {
			w.header.Del("Content-Length") // not a length: frame the body ourselves
		}
	}
}

func (w *response) writeInformational(code int) {
	if w.committed {
		return
	}
	if w.body != nil && code == http.StatusContinue {
		w.body.mu.Lock()
		defer w.body.mu.Unlock()
		if w.body.sentContinue {
			return
		}
		w.body.sentContinue = true
	}
	bw := w.c.bw
	writeStatusLine(bw, code)
	w.writeFields(bw, w.header, false)
	bw.WriteString("\r\n")
	bw.Flush()
}

func (w *response) Write(p []byte) (int, error) {
	if w.hijacked {
		return 0, ErrHijacked
	}
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.status == http.StatusNoContent || w.status == http.StatusNotModified {
		return 0, http.ErrBodyNotAllowed
	}
	if w.contentLength >= 0 && w.written+int64(len(p)) > w.contentLength {
		return 0, ErrContentLength
	}
	w.written += int64(len(p))
	if w.noBody {
		return len(p), nil // HEAD: counted, never sent
	}
	if !w.committed {
		if w.contentLength < 0 && len(w.pending)+len(p) <= bufferBeforeChunking {
			if w.pending == nil {
				w.pending = make([]byte, 0, bufferBeforeChunking)
			}
			w.pending = append(w.pending, p...)
			return len(p), nil
		}
		if err := w.commit(); err != nil {
			return 0, err
		}
	}
	return w.writeBody(p)
}

// WriteString saves io.WriteString a conversion.
func (w *response) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// writeBody sends p, as a chunk when the response is chunked.
func (w *response) writeBody(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	bw := w.c.bw
	if w.chunked {
		var size [16]byte
		bw.Write(strconv.AppendInt(size[:0], int64(len(p)), 16))
		bw.WriteString("\r\n")
	}
	n, err := bw.Write(p)
	if err == nil && w.chunked {
		_, err = bw.WriteString("\r\n")
	}
	return n, err
}

// Flush sends what is buffered; FlushError is what http.ResponseController calls.
func (w *response) Flush() { _ = w.FlushError() }

func (w *response) FlushError() error {
	if w.hijacked {
		return ErrHijacked
	}
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed {
		if err := w.commit(); err != nil {
			return err
		}
	}
	return w.c.bw.Flush()
}

// commit writes the status line and the header and chooses the framing: the declared
// Content-Length; else, when the handler is done, the length of what it wrote; else
// chunked (HTTP/1.1) or until close (HTTP/1.0).
func (w *response) commit() error {
	if w.body != nil && (!w.fullDuplex || w.body.needContinue) {
		// As net/http: wait for a read in progress (the body's reader may be another
		// goroutine), then no 100 Continue can follow the head.
		w.body.mu.Lock()
		defer w.body.mu.Unlock()
	}
	w.committed = true
	h := w.header
	w.trailers = w.declaredTrailers()
	switch {
	case w.contentLength >= 0:
	case w.noBody:
	case w.handlerDone && len(w.trailers) == 0:
		w.contentLength = int64(len(w.pending))
	case w.req.ProtoAtLeast(1, 1):
		w.chunked = true
	default:
		w.closeAfter = true
	}
	if len(w.trailers) > 0 && !w.chunked {
		h.Del("Trailer") // trailers need chunked framing; without it they cannot be sent
	}
	if b := w.body; b != nil && !b.sawEOF.Load() && !w.fullDuplex {
		// The handler answers before the body was read to its end: as net/http does,
		// skip a small rest to keep the connection, and close it otherwise, so that
		// unread body bytes are never read as the next request.
		switch {
		case b.needContinue && !b.sentContinue: // (b.mu is held)
			w.closeAfter = true // the client waits for a 100 Continue and will not send the body
		case b.failed.Load(), b.closed.Load():
			w.closeAfter = true // a read failed (a timeout, a bad chunk) or the handler gave up on it
		case b.remaining() > maxDiscard:
			w.closeAfter = true // too much to read for nothing
		case !b.skipRestLocked():
			w.closeAfter = true
		}
	}
	if w.c.srv.shutdown.Load() || w.req.Close || hasToken(h, "Connection", "close") {
		w.closeAfter = true
	}

	// The handler's fields, sorted, then what the server adds, in net/http's order.
	bw := w.c.bw
	writeStatusLine(bw, w.status)
	w.writeFields(bw, h, true)
	if _, ok := h["Date"]; !ok {
		bw.WriteString("Date: ")
		bw.Write(httpDate())
		bw.WriteString("\r\n")
	}
	// Content-Length is always the server's own line, with the length it enforces (the
	// handler's field is skipped: one set after WriteHeader would otherwise go out beside
	// chunked framing or a second length, and desynchronise a kept-alive connection).
	if w.contentLength >= 0 && w.status >= 200 && w.status != http.StatusNoContent {
		var num [20]byte
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(num[:0], w.contentLength, 10))
		bw.WriteString("\r\n")
	}
	switch {
	case w.closeAfter && !hasToken(h, "Connection", "close"):
		bw.WriteString("Connection: close\r\n")
	case !w.closeAfter && !w.req.ProtoAtLeast(1, 1):
		bw.WriteString("Connection: keep-alive\r\n") // an HTTP/1.0 client asked for it, or req.Close would be set
	}
	if w.chunked {
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	_, err := bw.WriteString("\r\n")
	if err == nil && len(w.pending) > 0 && !w.noBody {
		_, err = w.writeBody(w.pending)
	}
	w.pending = w.pending[:0]
	return err
}

// finish completes the response after the handler returned and flushes it.
func (w *response) finish() error {
	w.handlerDone = true
	if w.hijacked {
		return nil
	}
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed {
		if err := w.commit(); err != nil {
			return err
		}
	}
	bw := w.c.bw
	if w.chunked {
		bw.WriteString("0\r\n")
		w.writeTrailers(bw)
		bw.WriteString("\r\n")
	}
	if w.contentLength >= 0 && w.written < w.contentLength && !w.noBody {
		w.closeAfter = true // the client is owed bytes it will never get: only a close tells it
	}
	return bw.Flush()
}

// declaredTrailers lists the trailer names announced in the Trailer header; values set
// under http.TrailerPrefix are found at the end.
func (w *response) declaredTrailers() []string {
	var names []string
	for _, v := range w.header["Trailer"] {
		for name := range strings.SplitSeq(v, ",") {
			if name = textproto.TrimString(name); name != "" {
				names = append(names, textproto.CanonicalMIMEHeaderKey(name))
			}
		}
	}
	for k := range w.header {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			names = append(names, k) // possibly known only at the end: chunk to be able to send it
		}
	}
	return names
}

func (w *response) writeTrailers(bw *bufio.Writer) {
	for k, vv := range w.header {
		name, isPrefixed := strings.CutPrefix(k, http.TrailerPrefix)
		if !isPrefixed {
			if !slices.Contains(w.trailers, k) {
				continue
			}
		}
		if !httplex.IsToken(name) {
			continue
		}
		for _, v := range vv {
			bw.WriteString(name)
			bw.WriteString(": ")
			bw.WriteString(sanitizeValue(v))
			bw.WriteString("\r\n")
		}
	}
}

// writeFields writes the header fields in sorted order (stable output for people and
// tests), skipping invalid names, trailer-only fields and, for a final response, the
// declared trailers themselves.
func (w *response) writeFields(bw *bufio.Writer, h http.Header, final bool) {
	keys := w.c.headerKeys[:0]
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if strings.HasPrefix(k, http.TrailerPrefix) || !httplex.IsToken(k) || k == "Content-Length" || k == "Transfer-Encoding" ||
			final && k != "Trailer" && w.chunked && slices.Contains(w.trailers, k) {
			continue
		}
		for _, v := range h[k] {
			bw.WriteString(k)
			bw.WriteString(": ")
			bw.WriteString(sanitizeValue(v))
			bw.WriteString("\r\n")
		}
	}
	clear(keys)
	w.c.headerKeys = keys[:0]
}

// Hijack hands the connection to the handler (a WebSocket tunnel): what the server has
// buffered from the client comes with it, the deadlines are cleared, and the server
// forgets the connection.
func (w *response) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.hijacked {
		return nil, nil, ErrHijacked
	}
	if w.status != 0 && !w.committed { // as net/http: what the handler wrote goes out first
		if err := w.commit(); err != nil {
			return nil, nil, err
		}
	}
	if err := w.c.bw.Flush(); err != nil {
		return nil, nil, err
	}
	if b := w.body; b != nil {
		b.mu.Lock()
		b.sentContinue = true // no 100 Continue into the handler's stream
		b.mu.Unlock()
	}
	w.c.end() // no watch may read from a connection that is no longer the server's
	w.hijacked = true
	c := w.c
	c.nc.SetDeadline(time.Time{})
	c.srv.untrackConn(c) // as net/http: Shutdown neither waits for nor closes it
	return c.nc, bufio.NewReadWriter(c.br, c.bw), nil
}

// SetReadDeadline, SetWriteDeadline and EnableFullDuplex serve http.ResponseController.
func (w *response) SetReadDeadline(t time.Time) error {
	w.c.deadline = true // the serve loop must set its own before the next wait
	return w.c.nc.SetReadDeadline(t)
}
func (w *response) SetWriteDeadline(t time.Time) error { return w.c.nc.SetWriteDeadline(t) }

// EnableFullDuplex lets the handler go on reading the body after the response has
// started (otherwise the rest of an unread body is skipped or the connection closed when
// the response starts, as with net/http).
func (w *response) EnableFullDuplex() error {
	w.fullDuplex = true
	return nil
}

func writeStatusLine(bw *bufio.Writer, code int) {
	bw.WriteString("HTTP/1.1 ")
	var num [8]byte
	bw.Write(strconv.AppendInt(num[:0], int64(code), 10))
	bw.WriteByte(' ')
	text := http.StatusText(code)
	if text == "" {
		text = "status code " + strconv.Itoa(code)
	}
	bw.WriteString(text)
	bw.WriteString("\r\n")
}

// hasToken reports whether a comma-separated header holds token (case-insensitive).
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h[name] {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(textproto.TrimString(t), token) {
				return true
			}
		}
	}
	return false
}

// httpDate is the Date header's value, formatted once a second.
func httpDate() []byte {
	now := time.Now()
	if d := cachedDate.Load(); d != nil && d.unix == now.Unix() {
		return d.text
	}
	d := &dateText{unix: now.Unix(), text: now.UTC().AppendFormat(nil, http.TimeFormat)}
	cachedDate.Store(d)
	return d.text
}

type dateText struct {
	unix int64
	text []byte
}

var cachedDate atomic.Pointer[dateText]
