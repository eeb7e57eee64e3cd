package forwardproxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"gatewaylab/04-proxy/bufpool"
	"gatewaylab/04-proxy/tunnel"
)

// serveConnect opens a tunnel for "CONNECT host:port". Only after the target answered
// does the client get its 200: a failed dial is an honest 502/504, not a tunnel that
// closes at once.
func (p *Proxy) serveConnect(w http.ResponseWriter, r *http.Request) {
	if _, _, err := net.SplitHostPort(r.Host); err != nil {
		http.Error(w, "bad request: CONNECT needs host:port", http.StatusBadRequest)
		return
	}
	if p.tunnels.Err() != nil {
		p.fail(w, r, ErrClosed)
		return
	}
	target, err := p.dialer.DialContext(r.Context(), "tcp", r.Host)
	if err != nil {
		p.fail(w, r, fmt.Errorf("dial %s: %w", r.Host, err))
		return
	}
	client, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		target.Close()
		p.fail(w, r, fmt.Errorf("hijack: %w", err))
		return
	}
	if _, err := io.WriteString(client, "HTTP/1.1 200 Connection Established\r\n\r\n"); err != nil {
		client.Close()
		target.Close()
		return
	}
	// A client may send its TLS hello right behind the CONNECT; those bytes sit in brw.
	if err := forwardBuffered(target, brw.Reader); err != nil {
		client.Close()
		target.Close()
		return
	}
	p.wg.Add(1)
	defer p.wg.Done()
	st, err := tunnel.Join(p.tunnels, client, target, p.idleTimeout)
	if err != nil && !errors.Is(err, net.ErrClosed) {
		p.logger.Debug("forward proxy: tunnel ended", "target", r.Host, "up", st.AToB, "down", st.BToA, "err", err)
	}
}

func forwardBuffered(dst io.Writer, br interface {
	Buffered() int
	Peek(int) ([]byte, error)
}) error {
	n := br.Buffered()
	if n == 0 {
		return nil
	}
	b, err := br.Peek(n)
	if err != nil {
		return err
	}
	_, err = dst.Write(b)
	return err
}

// copyFlushing copies a response body, flushing after each chunk when its length is
// unknown, so that streamed answers reach the client as they come.
func copyFlushing(w http.ResponseWriter, res *http.Response) error {
	if res.ContentLength >= 0 {
		buf := bufpool.Get()
		defer bufpool.Put(buf)
		_, err := io.CopyBuffer(w, res.Body, *buf)
		return err
	}
	rc := http.NewResponseController(w)
	buf := bufpool.Get()
	defer bufpool.Put(buf)
	for {
		n, err := res.Body.Read(*buf)
		if n > 0 {
			if _, werr := w.Write((*buf)[:n]); werr != nil {
				return werr
			}
			if ferr := rc.Flush(); ferr != nil && !errors.Is(ferr, http.ErrNotSupported) {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
