package tcpserver_test

import (
	"net"
	"sync"
	"sync/atomic"
)

// pipeListener is an in-memory net.Listener for testing/synctest bubbles,
// where real sockets are not allowed: connections are net.Pipe pairs, and
// scripted errors are returned by the first Accept calls.
type pipeListener struct {
	conns   chan net.Conn
	closed  chan struct{}
	once    sync.Once
	accepts atomic.Int32 // number of Accept calls so far

	mu     sync.Mutex
	errors []error // returned, in order, by the first Accept calls
}

func newPipeListener(errs ...error) *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{}), errors: errs}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	l.accepts.Add(1)
	if err := l.nextError(); err != nil {
		return nil, err
	}
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) nextError() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errors) == 0 {
		return nil
	}
	err := l.errors[0]
	l.errors = l.errors[1:]
	return err
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

// dial hands the server end of a new pipe to Accept and returns the client
// end. It blocks until the server accepts.
func (l *pipeListener) dial() net.Conn {
	server, client := net.Pipe()
	l.conns <- server
	return client
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// tempError is an Accept error that says it may go away, like EMFILE.
type tempError struct{}

func (tempError) Error() string   { return "too many open files" }
func (tempError) Temporary() bool { return true }
func (tempError) Timeout() bool   { return false }
