package segment_test

import (
	"encoding/hex"
	"fmt"
	"log"

	"gatewaylab/01-network/segment"
)

// The SYN of a real loopback handshake, as captured by tcpdump.
func ExampleDecode() {
	raw, err := hex.DecodeString("df721fa32ec1b6dc00000000a002ffd7fe3000000204ffd70402080a7a8cf4a8000000000103030a")
	if err != nil {
		log.Fatal(err)
	}
	s, err := segment.Decode(raw)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d -> %d %v seq %d window %d\n", s.SrcPort, s.DstPort, s.Flags, s.Seq, s.Window)
	for _, o := range s.Options {
		fmt.Println(" ", o)
	}
	fmt.Println("the peer will acknowledge", s.Seq+s.Len())
	// Output:
	// 57202 -> 8099 SYN seq 784447196 window 65495
	//   mss 65495
	//   sackOK
	//   TS val 2056058024 ecr 0
	//   nop
	//   wscale 10
	// the peer will acknowledge 784447197
}
