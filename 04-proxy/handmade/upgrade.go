package handmade

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"gatewaylab/04-proxy/hopbyhop"
)

// switchProtocols finishes a WebSocket handshake: the upstream answered 101, so the
// proxy takes over the client's TCP connection (hijack), relays the 101 answer, and from
// then on copies raw bytes in both directions until one side closes. Cancelling the
// client's request (the server shutting down, say) closes the upstream side too.
func (p *Proxy) switchProtocols(w http.ResponseWriter, r *http.Request, res *http.Response) {
	upstream, ok := res.Body.(io.ReadWriteCloser)
	if !ok {
		p.fail(w, r, errors.New("101 response body is not writable"))
		return
	}
	defer upstream.Close()
	if !strings.EqualFold(hopbyhop.UpgradeType(res.Header), "websocket") {
		p.fail(w, r, fmt.Errorf("upstream switched to %q, not websocket", res.Header.Get("Upgrade")))
		return
	}
	client, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		p.fail(w, r, fmt.Errorf("hijack client connection: %w", err))
		return
	}
	defer client.Close()

	res.Body = nil // so Write sends only the status line and headers
	if err := res.Write(brw); err != nil {
		p.logger().Debug("handmade proxy: write 101", "err", err)
		return
	}
	if err := brw.Flush(); err != nil {
		p.logger().Debug("handmade proxy: flush 101", "err", err)
		return
	}
	// Bytes the client sent right after its handshake may already sit in brw's buffer.
	clientSide := io.MultiReader(io.LimitReader(brw, int64(brw.Reader.Buffered())), client)
	closeBoth := func() { upstream.Close(); client.Close() }
	stop := context.AfterFunc(r.Context(), closeBoth)
	defer stop()
	errc := make(chan error, 2)
	go pipe(upstream, clientSide, errc)
	go pipe(client, upstream, errc)
	<-errc // one direction ended, so the conversation is over:
	closeBoth()
	<-errc // and the other copy returns before this handler does
}

func pipe(dst io.Writer, src io.Reader, errc chan<- error) {
	_, err := io.Copy(dst, src)
	errc <- err
}
