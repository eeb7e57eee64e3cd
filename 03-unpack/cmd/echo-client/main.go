// Command echo-client sends frames to echo-server and prints the replies:
// the lines you type, or -msg repeated -n times.
//
//	go run ./03-unpack/cmd/echo-client                  # type lines, Ctrl-D to quit
//	go run ./03-unpack/cmd/echo-client -msg hello -n 3  # no typing needed
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"gatewaylab/03-unpack/framed"
	"gatewaylab/03-unpack/internal/democli"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "echo-client:", err)
		os.Exit(1)
	}
}

// options are the client's flags.
type options struct {
	msg     string
	n       int
	timeout time.Duration
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:9090", "server address")
	var opts options
	flag.StringVar(&opts.msg, "msg", "", "send this message instead of reading stdin")
	flag.IntVar(&opts.n, "n", 1, "with -msg: how many times to send it")
	flag.DurationVar(&opts.timeout, "timeout", 5*time.Second, "per-call timeout")
	newCodec := democli.CodecFlags(flag.CommandLine)
	flag.Parse()
	c, err := newCodec()
	if err != nil {
		return err
	}

	dialCtx, cancel := context.WithTimeout(context.Background(), opts.timeout)
	defer cancel()
	client, err := framed.Dial(dialCtx, *addr, c)
	if err != nil {
		return err
	}
	defer client.Close()
	fmt.Fprintf(os.Stderr, "connected to %s, %v\n", *addr, c)

	if opts.msg != "" {
		return sendRepeated(client, opts)
	}
	fmt.Fprintln(os.Stderr, "type a line and press Enter; Ctrl-D to quit")
	return sendLines(client, os.Stdin, opts.timeout)
}

// sendRepeated sends opts.msg opts.n times.
func sendRepeated(client *framed.Client, opts options) error {
	var reply []byte
	for i := 1; i <= opts.n; i++ {
		var err error
		if reply, err = call(client, []byte(opts.msg), reply, opts.timeout); err != nil {
			return err
		}
		fmt.Printf("reply %d/%d: %q\n", i, opts.n, reply)
	}
	return nil
}

// sendLines sends each line of in as one frame, without its newline.
func sendLines(client *framed.Client, in io.Reader, timeout time.Duration) error {
	lines := bufio.NewScanner(in)
	var reply []byte
	for lines.Scan() {
		got, err := call(client, lines.Bytes(), reply, timeout)
		if err != nil && client.Err() == nil {
			fmt.Println(err) // refused before sending: the connection is still fine
			continue
		}
		if err != nil {
			return err
		}
		fmt.Printf("reply: %q\n", got)
		reply = got
	}
	return lines.Err()
}

// call makes one request under its own timeout.
func call(client *framed.Client, payload, reply []byte, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return client.Call(ctx, payload, reply)
}
