// Command sticky makes sticky packets (粘包) and split packets (拆包)
// visible on a real loopback TCP connection, then shows framing fix them.
//
// A client sends 100 small messages with 100 separate writes. A naive
// server that just reads bytes cannot tell where one message ends: reads
// merge messages and cut them in half. A framed server gets exactly 100.
//
//	go run ./03-unpack/cmd/sticky
package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

const messageCount = 100

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "sticky:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	msgs := makeMessages(messageCount)
	fmt.Printf("The client sends %d messages with %d separate conn.Write calls:\n", len(msgs), len(msgs))
	fmt.Printf("%q, %q, ..., %q (%d bytes in all).\n\n", msgs[0], msgs[1], msgs[len(msgs)-1], totalLen(msgs))

	if err := showOneBigRead(msgs); err != nil {
		return err
	}
	if err := showSmallReads(msgs); err != nil {
		return err
	}
	if err := showFramed(ctx, msgs); err != nil {
		return err
	}
	fmt.Println("\nNext: go run ./03-unpack/cmd/echo-server, then in another terminal")
	fmt.Println("      go run ./03-unpack/cmd/echo-client -msg hello -n 3")
	return nil
}

// makeMessages returns "hello #1" ... "hello #n": lengths 8, 9 and 10, so
// fixed-size reads drift across message boundaries.
func makeMessages(n int) [][]byte {
	msgs := make([][]byte, n)
	for i := range msgs {
		msgs[i] = fmt.Appendf(nil, "hello #%d", i+1)
	}
	return msgs
}

func totalLen(msgs [][]byte) int {
	n := 0
	for _, m := range msgs {
		n += len(m)
	}
	return n
}
