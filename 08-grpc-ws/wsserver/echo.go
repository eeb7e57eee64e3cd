package wsserver

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/websocket"
)

// Echo is a WebSocket server that sends every message back, with its type (text or
// binary). A text message "close CODE REASON" makes it close the connection with that
// code and reason instead, to show close codes crossing a proxy.
type Echo struct {
	base
}

// NewEcho returns an echo server for cfg.
func NewEcho(cfg Config) *Echo { return &Echo{base: newBase(cfg)} }

// ServeHTTP upgrades the request and echoes until the client closes.
func (e *Echo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, ok := e.accept(w, r)
	if !ok {
		return
	}
	defer e.release(c)
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			return // a close frame (answered by gorilla), a timeout or a broken connection
		}
		c.alive()
		if code, reason, ok := closeCommand(mt, data); ok {
			c.closeWith(code, reason)
			continue // read on until the client's answering close frame arrives
		}
		if err := c.write(mt, data); err != nil {
			return
		}
	}
}

// closeCommand parses "close CODE [REASON]"; CODE must be one an application may send
// (1000, or 3000-4999).
func closeCommand(mt int, data []byte) (code int, reason string, ok bool) {
	if mt != websocket.TextMessage {
		return 0, "", false
	}
	rest, found := strings.CutPrefix(string(data), "close ")
	if !found {
		return 0, "", false
	}
	codeText, reason, _ := strings.Cut(rest, " ")
	code, err := strconv.Atoi(codeText)
	if err != nil || (code != websocket.CloseNormalClosure && (code < 3000 || code > 4999)) || len(reason) > 123 {
		return 0, "", false
	}
	return code, reason, true
}
