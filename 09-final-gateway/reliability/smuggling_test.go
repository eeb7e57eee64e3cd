package reliability_test

import (
	"crypto/rand"
	"slices"
	"strings"
	"testing"
	"time"
)

// smuggled is the request each smuggling attempt hides after its first one: a request
// for the secret backend without credentials. If the gateway and a proxy in front of
// it disagreed about where the first request ends, this one would ride on someone
// else's connection; the gateway must never answer it from that connection.
const smuggled = "GET /admin/smuggled HTTP/1.1\r\nHost: x\r\n\r\n"

// smuggleOutcome is what a safe gateway does with an ambiguous message.
type smuggleOutcome int

const (
	// refused: a 400 (501 for a transfer coding it does not implement), the connection
	// closed, nothing forwarded.
	refused smuggleOutcome = iota
	// refusedMidBody: the headers are fine, so the request is on its way upstream when
	// the body turns out malformed. The client gets 400 and the connection is closed;
	// the backend may have seen the start of the request, never a complete body.
	refusedMidBody
	// answeredThenClosed: the message is unambiguous for the gateway and forwarded with
	// its own framing, but the connection is closed after the answer (RFC 9112 section
	// 6.1: a server that receives both Transfer-Encoding and Content-Length MUST close
	// the connection after responding), so the bytes after it are never read as a
	// request.
	answeredThenClosed
)

// testSmuggling sends the classic request-smuggling shapes (RFC 9112 section 11.2;
// Go's bare-LF chunk bug GHSA-5423-jcjm-2gpv; Envoy PR 12349) on raw connections.
func testSmuggling(t *testing.T, e *attackEnv) {
	const post = "POST /smuggle HTTP/1.1\nHost: x\nX-Test-Id: ID\n"
	for _, tc := range []struct {
		name string
		raw  string // "\n" is CRLF on the wire, `\n` a bare LF; ID is replaced
		want smuggleOutcome
		body int64 // answeredThenClosed: the body length the backend must see
	}{
		{"cl_then_te", post + "Content-Length: 50\nTransfer-Encoding: chunked\n\n0\n\n", answeredThenClosed, 0},
		{"te_then_cl", post + "Transfer-Encoding: chunked\nContent-Length: 50\n\n0\n\n", answeredThenClosed, 0},
		{"te_obs_fold_with_cl", post + "Content-Length: 50\nTransfer-Encoding:\n chunked\n\n0\n\n", answeredThenClosed, 0},
		{"duplicate_cl_conflicting", post + "Content-Length: 5\nContent-Length: 50\n\nhello", refused, 0},
		{"cl_list", post + "Content-Length: 5, 50\n\nhello", refused, 0},
		{"cl_plus_sign", post + "Content-Length: +5\n\nhello", refused, 0},
		{"cl_negative", post + "Content-Length: -1\n\n", refused, 0},
		{"cl_hex", post + "Content-Length: 0x5\n\nhello", refused, 0},
		{"cl_space_before_colon", post + "Content-Length : 5\n\nhello", refused, 0},
		{"te_space_before_colon", post + "Transfer-Encoding : chunked\n\n0\n\n", refused, 0},
		{"te_identity", post + "Transfer-Encoding: identity\n\n", refused, 0},
		{"te_twice", post + "Transfer-Encoding: chunked\nTransfer-Encoding: chunked\n\n0\n\n", refused, 0},
		{"te_list", post + "Transfer-Encoding: gzip, chunked\n\n0\n\n", refused, 0},
		{"te_xchunked", post + "Transfer-Encoding: xchunked\n\n0\n\n", refused, 0},
		{"chunk_size_bare_lf", post + "Transfer-Encoding: chunked\n\n5\\nhello\n0\n\n", refusedMidBody, 0},
		{"chunk_data_bare_lf", post + "Transfer-Encoding: chunked\n\n5\nhello\\n0\n\n", refusedMidBody, 0},
		{"chunk_size_not_hex", post + "Transfer-Encoding: chunked\n\nzz\nhello\n0\n\n", refusedMidBody, 0},
		{"chunk_size_overflow", post + "Transfer-Encoding: chunked\n\nfffffffffffffffff1\nhello\n0\n\n", refusedMidBody, 0},
		{"chunk_size_negative", post + "Transfer-Encoding: chunked\n\n-5\nhello\n0\n\n", refusedMidBody, 0},
		{"header_first_line_folded", "POST /smuggle HTTP/1.1\n Host: x\nX-Test-Id: ID\nContent-Length: 0\n\n", refused, 0},
		{"cr_in_header_value", post + "X-Evil: a\rContent-Length: 5\n\nhello", refused, 0},
		{"nul_in_header_value", post + "X-Evil: a\x00b\nContent-Length: 0\n\n", refused, 0},
		{"no_host", "POST /smuggle HTTP/1.1\nX-Test-Id: ID\nContent-Length: 0\n\n", refused, 0},
		{"two_hosts", post + "Host: y\nContent-Length: 0\n\n", refused, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := tc.name + "-" + rand.Text()[:8]
			raw := crlf(strings.ReplaceAll(tc.raw, "ID", id)) + smuggled
			ex := rawExchange(t, e.addr.Web, raw, 2*time.Second)
			got := e.public.WithHeader("X-Test-Id", id)
			switch tc.want {
			case refused:
				if !slices.Contains([]int{400, 501}, ex.First()) || len(ex.Statuses) != 1 || !ex.Closed {
					t.Errorf("got %v (closed %v, %v), want one 400 or 501 and the connection closed", ex.Statuses, ex.Closed, ex.End)
				}
				if len(got) > 0 {
					t.Errorf("the public backend received the refused request: %+v", got[0])
				}
			case refusedMidBody:
				if ex.First() != 400 || len(ex.Statuses) != 1 || !ex.Closed {
					t.Errorf("got %v (closed %v, %v), want one 400 (the client's body is at fault) and the connection closed", ex.Statuses, ex.Closed, ex.End)
				}
				for _, r := range got {
					if r.BodyErr == "" {
						t.Errorf("the public backend received a complete body: %+v", r)
					}
				}
			case answeredThenClosed:
				if ex.First() != 200 || len(ex.Statuses) != 1 || !ex.Closed {
					t.Errorf("got %v (closed %v, %v), want one 200 and the connection closed: the smuggled request was read", ex.Statuses, ex.Closed, ex.End)
				}
				if len(got) != 1 || got[0].BodyLen != tc.body || len(got[0].Header.Values("Content-Length")) > 1 {
					t.Errorf("the public backend received %d copies, want one with a %d-byte body: %+v", len(got), tc.body, got)
				}
			}
			e.secretUntouched(t, tc.name)
		})
	}
}
