package wire_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gatewaylab/01-network/wire"
)

func TestTapRecordsHTTPExchange(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello\n")
	}))
	t.Cleanup(srv.Close)
	tap := wire.NewTap(1 << 16)
	var d net.Dialer
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return tap.Conn(c), nil
		},
		DisableCompression: true, // keep Accept-Encoding out of the request
	}}
	t.Cleanup(client.CloseIdleConnections)

	resp, err := client.Get(srv.URL + "/hello")
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "hello\n" {
		t.Fatalf("body = %q, %v", body, err)
	}
	chunks := tap.Chunks()
	if len(chunks) != 2 || chunks[0].Dir != wire.Sent || chunks[1].Dir != wire.Received {
		t.Fatalf("chunks = %v; want one sent, one received", chunks)
	}
	req, res := string(chunks[0].Data), string(chunks[1].Data)
	if !strings.HasPrefix(req, "GET /hello HTTP/1.1\r\nHost: "+srv.Listener.Addr().String()+"\r\n") || !strings.HasSuffix(req, "\r\n\r\n") {
		t.Errorf("request bytes = %q", req)
	}
	if !strings.HasPrefix(res, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(res, "\r\n\r\nhello\n") {
		t.Errorf("response bytes = %q", res)
	}
}

func TestTapLimitAndMerge(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	tap := wire.NewTap(5)
	tc := tap.Conn(a)
	go func() {
		buf := make([]byte, 16)
		for range 2 {
			if _, err := b.Read(buf); err != nil {
				return
			}
		}
		b.Write([]byte("xyz"))
	}()
	for _, s := range []string{"abc", "def"} {
		if _, err := io.WriteString(tc, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := io.ReadFull(tc, make([]byte, 3)); err != nil {
		t.Fatal(err)
	}
	chunks := tap.Chunks()
	if len(chunks) != 1 || string(chunks[0].Data) != "abcde" || !tap.Truncated() {
		t.Errorf("chunks = %v, truncated %v; want the first 5 sent bytes merged and truncated", chunks, tap.Truncated())
	}
}

func TestDump(t *testing.T) {
	chunks := []wire.Chunk{
		{Dir: wire.Sent, Data: []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")},
		{Dir: wire.Received, Data: []byte("HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x02hi")},
		{Dir: wire.Received, Data: []byte("caf\xc3\xa9 \\ \xff")},
	}
	var sb strings.Builder
	if err := wire.Dump(&sb, chunks); err != nil {
		t.Fatal(err)
	}
	want := `> GET / HTTP/1.1\r\n
> Host: x\r\n
> \r\n
< HTTP/1.1 101 Switching Protocols\r\n
< \r\n
< \x81\x02hi
< café \\ \xff
`
	if sb.String() != want {
		t.Errorf("Dump =\n%s\nwant\n%s", sb.String(), want)
	}
}
