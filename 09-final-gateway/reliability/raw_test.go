package reliability_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// exchange is what one raw HTTP/1.1 conversation got back: every response the
// gateway wrote, in order, and how the conversation ended.
type exchange struct {
	Statuses []int
	Bodies   []string
	// Closed is true when the gateway closed the connection; false when it was still
	// open (and silent) when the client gave up waiting.
	Closed bool
	End    error // what ended the reading: io.EOF, a reset, a timeout, a parse error
}

// First is the status of the first response, or 0 when there was none.
func (e exchange) First() int {
	if len(e.Statuses) == 0 {
		return 0
	}
	return e.Statuses[0]
}

// rawExchange writes request to addr exactly as given (no client library in between
// to fix it) and reads every response until the gateway closes the connection or
// stays silent for quiet.
func rawExchange(t testing.TB, addr, request string, quiet time.Duration) exchange {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, request); err != nil {
		return exchange{Closed: true, End: err}
	}
	return readResponses(c, quiet)
}

// readResponses reads responses from c until it is closed or silent for quiet.
func readResponses(c net.Conn, quiet time.Duration) exchange {
	var ex exchange
	br := bufio.NewReader(c)
	for {
		if err := c.SetReadDeadline(time.Now().Add(quiet)); err != nil {
			ex.End = err
			return ex
		}
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			ex.End = err
			ex.Closed = !errors.Is(err, os.ErrDeadlineExceeded)
			return ex
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		ex.Statuses = append(ex.Statuses, res.StatusCode)
		ex.Bodies = append(ex.Bodies, string(body))
		if err != nil {
			ex.End, ex.Closed = err, true
			return ex
		}
	}
}

// crlf turns a request written with "\n" line ends into the wire form, so that test
// tables stay readable; "\\n" in the source stays a bare LF on purpose.
func crlf(s string) string {
	s = strings.ReplaceAll(s, "\n", "\r\n")
	return strings.ReplaceAll(s, `\n`, "\n")
}
