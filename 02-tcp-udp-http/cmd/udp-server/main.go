// Command udp-server answers each UDP datagram with an echo. With -loss it
// throws away that fraction of requests on purpose, as a real network would,
// so the udp-client demo has something to retry.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"gatewaylab/02-tcp-udp-http/udp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9091", "listen address")
	loss := flag.Float64("loss", 0, "fraction of requests to drop on purpose, 0 to 1")
	seed := flag.Uint64("seed", 1, "random seed for -loss, so a run can be repeated")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *loss, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "udp-server:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string, loss float64, seed uint64) error {
	if loss < 0 || loss > 1 {
		return fmt.Errorf("-loss %v: want a fraction from 0 to 1", loss)
	}
	var lc net.ListenConfig
	pc, err := lc.ListenPacket(ctx, "udp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer pc.Close()
	conn := &udp.LossyConn{PacketConn: pc, DropIn: announceDrops(udp.DropRandom(loss, seed))}
	srv := &udp.Server{Handler: logRequests(udp.Echo), Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))}

	fmt.Printf("udp echo server on %s, dropping %.0f%% of requests on purpose\n", pc.LocalAddr(), loss*100)
	fmt.Printf(`Try next, in another terminal:
  go run ./02-tcp-udp-http/cmd/udp-client -addr %[1]s
  printf hello | nc -u -w1 %[2]s            # reply: +hello (or nothing, if dropped)
  head -c 2000 /dev/zero | nc -u -w1 %[2]s  # reply: -request larger than 1472 bytes
%[3]s Ctrl-C to stop.
`, pc.LocalAddr(), hostPort(pc.LocalAddr()), lossHint(loss))

	if err := srv.Serve(ctx, conn); err != nil {
		return err
	}
	fmt.Printf("stopped; datagrams dropped on purpose: %d\n", conn.Dropped())
	return nil
}

func lossHint(loss float64) string {
	if loss == 0 {
		return "Restart with -loss 0.5 to watch the client retry."
	}
	return "Restart with -loss 0 for a network that loses nothing, or -loss 1 for one that loses everything."
}

// announceDrops prints each datagram the server pretends it never got.
func announceDrops(drop udp.DropFunc) udp.DropFunc {
	return func(seq uint64) bool {
		if !drop(seq) {
			return false
		}
		fmt.Printf("datagram #%d dropped (simulated loss)\n", seq)
		return true
	}
}

// logRequests prints each request the handler answers.
func logRequests(next udp.Handler) udp.Handler {
	var n atomic.Uint64
	return udp.HandlerFunc(func(ctx context.Context, from net.Addr, p []byte) ([]byte, error) {
		fmt.Printf("request #%d from %s: %q, answered\n", n.Add(1), from, p)
		return next.ServeUDP(ctx, from, p)
	})
}

// hostPort turns "127.0.0.1:9091" into "127.0.0.1 9091" for nc.
func hostPort(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host + " " + port
}
