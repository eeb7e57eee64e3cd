package pcap_test

import (
	"errors"
	"fmt"
	"io"
	"log"

	"gatewaylab/01-network/pcap"
)

// Read the shipped loopback capture and list who sent each TCP segment.
func ExampleReader() {
	r, err := pcap.NewReader(pcap.LoopbackSample())
	if err != nil {
		log.Fatal(err)
	}
	h := r.Header()
	fmt.Printf("pcap %d.%d, link type %d, snapshot length %d\n", h.VersionMajor, h.VersionMinor, h.LinkType, h.SnapLen)
	n := 0
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		p, err := pcap.Unwrap(h.LinkType, rec.Data)
		if err != nil {
			log.Fatal(err)
		}
		n++
		if n <= 3 {
			fmt.Printf("%v -> %v, %d TCP bytes\n", p.Src, p.Dst, len(p.TCP))
		}
	}
	fmt.Println(n, "segments")
	// Output:
	// pcap 2.4, link type 1, snapshot length 262144
	// 127.0.0.1 -> 127.0.0.1, 40 TCP bytes
	// 127.0.0.1 -> 127.0.0.1, 40 TCP bytes
	// 127.0.0.1 -> 127.0.0.1, 32 TCP bytes
	// 11 segments
}
