// Handshake replays a real capture of a TCP conversation, decoded segment by
// segment: the three-way handshake (三次握手), a little data, and the
// four-way teardown (四次挥手), with the sequence and acknowledgment
// arithmetic spelled out.
//
// Usage:
//
//	go run ./01-network/cmd/handshake                   # the capture shipped with the repo
//	go run ./01-network/cmd/handshake -r my.pcap        # your own capture
//	go run ./01-network/cmd/handshake -talk 127.0.0.1:8099
//	                                                    # the conversation to capture
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"gatewaylab/01-network/pcap"
)

func main() {
	file := flag.String("r", "", "pcap file to read (default: the loopback capture shipped in 01-network/pcap/testdata)")
	talkAddr := flag.String("talk", "", "instead of reading, hold one short conversation on this address (to capture it)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var err error
	if *talkAddr != "" {
		err = talk(ctx, *talkAddr)
	} else {
		err = replay(*file)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "handshake:", err)
		os.Exit(1)
	}
}

func replay(file string) error {
	var src io.Reader = pcap.LoopbackSample()
	name := "the shipped loopback capture (pcap/testdata/handshake.pcap)"
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		src, name = f, file
	}
	fmt.Println("Decoding", name)
	return decodeAll(src)
}
