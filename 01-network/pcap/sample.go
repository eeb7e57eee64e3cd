package pcap

import (
	"bytes"
	"io"

	_ "embed"
)

//go:embed testdata/handshake.pcap
var loopbackSample []byte

// LoopbackSample returns a real capture, made with
//
//	tcpdump -i lo -w handshake.pcap 'tcp port 8099'
//
// on Linux while `go run ./01-network/cmd/handshake -talk 127.0.0.1:8099`
// ran: a three-way handshake, "hello\n" and "hi\n", and a four-way teardown.
func LoopbackSample() io.Reader { return bytes.NewReader(loopbackSample) }
