package wsserver

import (
	"net/http"
	"sync"

	"github.com/gorilla/websocket"
)

// sendQueue is how many broadcasts may wait for one slow member before it is dropped.
const sendQueue = 64

// Hub is a broadcast server (a chat room): every message a member sends goes to every
// member, sender included. A member that cannot keep up is dropped with 1008 rather
// than slowing the room down or making the hub buffer without bound.
type Hub struct {
	base
	mu      sync.Mutex
	members map[*member]struct{}
}

// member is one connection in the hub, with its queue of messages to send.
type member struct {
	*conn
	send chan *websocket.PreparedMessage
	quit chan struct{} // closed when the member leaves
}

// NewHub returns an empty hub for cfg.
func NewHub(cfg Config) *Hub {
	return &Hub{base: newBase(cfg), members: map[*member]struct{}{}}
}

// ServeHTTP upgrades the request and adds the connection to the hub until it closes.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, ok := h.accept(w, r)
	if !ok {
		return
	}
	defer h.release(c)
	m := &member{conn: c, send: make(chan *websocket.PreparedMessage, sendQueue), quit: make(chan struct{})}
	h.join(m)
	var writer sync.WaitGroup
	writer.Go(m.writeLoop)
	defer writer.Wait()
	defer h.leave(m)
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		c.alive()
		if _, err := h.Broadcast(mt, data); err != nil {
			return
		}
	}
}

// Broadcast sends a message to every member and returns how many it was queued for.
func (h *Hub) Broadcast(mt int, data []byte) (int, error) {
	pm, err := websocket.NewPreparedMessage(mt, data) // framed once, sent to all
	if err != nil {
		return 0, err
	}
	n, slow := h.queue(pm)
	for _, m := range slow { // outside the lock: a close frame may take WriteTimeout to write
		m.closeWith(websocket.ClosePolicyViolation, "too slow")
	}
	return n, nil
}

// queue puts pm on every member's queue and removes the members whose queue is full.
func (h *Hub) queue(pm *websocket.PreparedMessage) (n int, slow []*member) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for m := range h.members {
		select {
		case m.send <- pm:
			n++
		default:
			h.removeLocked(m)
			slow = append(slow, m)
		}
	}
	return n, slow
}

func (h *Hub) join(m *member) {
	h.mu.Lock()
	h.members[m] = struct{}{}
	h.mu.Unlock()
}

func (h *Hub) leave(m *member) {
	h.mu.Lock()
	h.removeLocked(m)
	h.mu.Unlock()
}

// removeLocked takes m out of the hub once; its writer then stops.
func (h *Hub) removeLocked(m *member) {
	if _, ok := h.members[m]; ok {
		delete(h.members, m)
		close(m.quit)
	}
}

// writeLoop sends queued messages until the member leaves or a write fails.
func (m *member) writeLoop() {
	for {
		select {
		case pm := <-m.send:
			if err := m.writePrepared(pm); err != nil {
				_ = m.ws.Close() // ends the read loop, which removes the member
				return
			}
		case <-m.quit:
			return
		}
	}
}
