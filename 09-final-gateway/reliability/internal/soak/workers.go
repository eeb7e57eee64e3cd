package soak

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"gatewaylab/08-grpc-ws/echopb"
	"gatewaylab/09-final-gateway/reliability/internal/load"
)

// Outcomes every worker counts.
const (
	ok     = "ok"
	failed = "error"
)

// tallies count the outcomes of each kind of traffic.
type tallies struct {
	HTTP, WS, GRPC, TCP load.Tally
}

// errors is the number of failures of every kind.
func (t *tallies) errors() int64 {
	return t.HTTP.Get(failed) + t.WS.Get(failed) + t.GRPC.Get(failed) + t.TCP.Get(failed)
}

// pause waits d, or less if ctx ends: it paces a worker, it does not synchronise.
func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// httpWorker sends requests to /api until ctx ends; every answer must be a 200 from
// an api backend. fresh opens a connection per request.
func httpWorker(ctx context.Context, web, method string, fresh bool, every time.Duration, tally *load.Tally) {
	client := &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{DisableKeepAlives: fresh, MaxIdleConnsPerHost: 2}}
	defer client.CloseIdleConnections()
	body := bytes.Repeat([]byte("p"), 4096)
	for i := 0; ctx.Err() == nil; i++ {
		var rd io.Reader
		if method == http.MethodPost {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, fmt.Sprintf("http://%s/api/%d", web, i), rd)
		if err != nil {
			tally.Add(failed, err.Error())
			return
		}
		outcome, detail := checkHTTP(client.Do(req))
		if ctx.Err() != nil {
			return // stopped mid-request: not the gateway's doing
		}
		tally.Add(outcome, detail)
		pause(ctx, every)
	}
}

func checkHTTP(res *http.Response, err error) (string, string) {
	if err != nil {
		return failed, err.Error()
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	switch {
	case err != nil:
		return failed, "read body: " + err.Error()
	case res.StatusCode != http.StatusOK || !strings.HasPrefix(string(b), "api-"):
		return failed, fmt.Sprintf("status %d body %.60q", res.StatusCode, b)
	}
	return ok, ""
}

// wsWorker keeps a WebSocket through the gateway and echoes a message every period.
// With churn > 0 it closes and reopens the session after churn messages (new sessions
// during reloads); with churn 0 one session must last the whole run, reloads included.
func wsWorker(ctx context.Context, web string, churn int, every time.Duration, tally *load.Tally) {
	for ctx.Err() == nil {
		err := wsSession(ctx, "ws://"+web+"/ws", churn, every, tally)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			tally.Add(failed, err.Error())
			pause(ctx, every)
		}
	}
}

func wsSession(ctx context.Context, url string, churn int, every time.Duration, tally *load.Tally) error {
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	conn, res, err := d.DialContext(ctx, url, http.Header{"Origin": {"http://soak.test"}})
	if err != nil {
		if res != nil {
			return fmt.Errorf("websocket dial: %w (status %d)", err, res.StatusCode)
		}
		return fmt.Errorf("websocket dial: %w", err)
	}
	defer conn.Close()
	for i := 0; ctx.Err() == nil && (churn == 0 || i < churn); i++ {
		msg := fmt.Sprintf("soak %d", i)
		deadline := time.Now().Add(5 * time.Second)
		conn.SetWriteDeadline(deadline)
		conn.SetReadDeadline(deadline)
		if err := conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			return fmt.Errorf("websocket write: %w", err)
		}
		_, got, err := conn.ReadMessage()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil || string(got) != msg {
			return fmt.Errorf("websocket echo: %q, %v", got, err)
		}
		tally.Add(ok, "")
		pause(ctx, every)
	}
	return conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""),
		time.Now().Add(time.Second))
}

// grpcWorker calls the Echo service through the gateway's grpc listener on one
// long-lived connection: unary calls, or server streams of three messages.
func grpcWorker(ctx context.Context, addr string, stream bool, every time.Duration, tally *load.Tally) {
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		tally.Add(failed, err.Error())
		return
	}
	defer cc.Close()
	client := echopb.NewEchoClient(cc)
	for i := 0; ctx.Err() == nil; i++ {
		callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := grpcCall(callCtx, client, fmt.Sprintf("soak %d", i), stream)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			tally.Add(failed, err.Error())
		} else {
			tally.Add(ok, "")
		}
		pause(ctx, every)
	}
}

func grpcCall(ctx context.Context, client echopb.EchoClient, msg string, stream bool) error {
	if !stream {
		res, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: msg})
		if err == nil && res.GetMessage() != msg {
			err = fmt.Errorf("unary echo %q, want %q", res.GetMessage(), msg)
		}
		return err
	}
	s, err := client.ServerStreamingEcho(ctx, &echopb.EchoRequest{Message: msg, Repeat: 3})
	if err != nil {
		return err
	}
	n := 0
	for {
		res, err := s.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if res.GetMessage() != msg {
			return fmt.Errorf("stream echo %q, want %q", res.GetMessage(), msg)
		}
		n++
	}
	if n != 3 {
		return fmt.Errorf("stream of %d messages, want 3", n)
	}
	return nil
}

// tcpWorker echoes lines through the gateway's tcp listener: on one session for the
// whole run (churn 0), or on a new session every churn lines.
func tcpWorker(ctx context.Context, addr string, churn int, every time.Duration, tally *load.Tally) {
	for ctx.Err() == nil {
		err := tcpSession(ctx, addr, churn, every, tally)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			tally.Add(failed, err.Error())
			pause(ctx, every)
		}
	}
}

func tcpSession(ctx context.Context, addr string, churn int, every time.Duration, tally *load.Tally) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("tcp dial: %w", err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	for i := 0; ctx.Err() == nil && (churn == 0 || i < churn); i++ {
		line := fmt.Sprintf("soak %d\n", i)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.WriteString(c, line); err != nil {
			return fmt.Errorf("tcp write: %w", err)
		}
		got, err := r.ReadString('\n')
		if ctx.Err() != nil {
			return nil
		}
		if err != nil || got != line {
			return fmt.Errorf("tcp echo %q, %v; want %q", got, err, line)
		}
		tally.Add(ok, "")
		pause(ctx, every)
	}
	return nil
}
