// Tcpstates walks one real loopback TCP connection through the states of
// the TCP state machine (LISTEN, SYN_SENT, ESTABLISHED, FIN_WAIT1,
// FIN_WAIT2, CLOSE_WAIT, LAST_ACK, TIME_WAIT) and reads each state back
// from the kernel's socket table, /proc/net/tcp, as it happens.
//
// Usage:
//
//	go run ./01-network/cmd/tcpstates
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"gatewaylab/01-network/sockstate"
)

// walkTimeout bounds the whole walk; it normally takes about a second.
const walkTimeout = 30 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, walkTimeout)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "tcpstates:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	if _, err := sockstate.Snapshot(); errors.Is(err, errors.ErrUnsupported) {
		fmt.Println("tcpstates cannot observe socket states here:", err)
		fmt.Println("It reads the kernel's socket table from /proc/net/tcp, which only Linux has.")
		fmt.Println("Run it on Linux (a container or VM will do): docker run --rm -it -v \"$PWD\":/src -w /src golang go run ./01-network/cmd/tcpstates")
		return nil
	} else if err != nil {
		return err
	}
	fmt.Println("tcpstates: one loopback connection, each state read back from /proc/net/tcp")
	w := &walk{}
	defer w.closeAll()
	for _, step := range []func(context.Context) error{
		w.listen, w.synSent, w.finWait1, w.closeWait, w.lastAck, w.timeWait,
	} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	w.tryNext()
	return nil
}
