package codec_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"gatewaylab/03-unpack/codec"
)

// Two messages written back to back are one blob of bytes, exactly what a
// TCP reader may receive in a single read. The framing gets them back.
func ExampleLengthPrefixed() {
	c := codec.NewLengthPrefixed(0)
	var wire bytes.Buffer
	for _, msg := range []string{"hello", "gateway"} {
		if err := c.Encode(&wire, []byte(msg)); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("on the wire: %q\n", wire.String())

	r := bufio.NewReader(&wire)
	var buf []byte
	for {
		frame, err := c.Decode(r, buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("frame: %s\n", frame)
		buf = frame
	}
	// Output:
	// on the wire: "12345678\x00\x00\x00\x05hello12345678\x00\x00\x00\agateway"
	// frame: hello
	// frame: gateway
}

func ExampleFixedLength() {
	c, err := codec.NewFixedLength(8, ' ')
	if err != nil {
		fmt.Println(err)
		return
	}
	var wire bytes.Buffer
	for _, msg := range []string{"ping", "pong!"} {
		if err := c.Encode(&wire, []byte(msg)); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("on the wire: %q\n", wire.String())
	fmt.Println("refused:", c.Encode(&wire, []byte("pad ")))
	// Output:
	// on the wire: "ping    pong!   "
	// refused: codec: payload ends in pad byte: last byte is ' '
}

func ExampleDelimited() {
	c := codec.NewDelimited(codec.DefaultDelimiter, 16)
	r := bufio.NewReader(bytes.NewBufferString("GET key\nSET key value\nthis line is far too long\n"))
	for {
		frame, err := c.Decode(r, nil)
		if errors.Is(err, codec.ErrFrameTooLarge) {
			fmt.Println("closing connection:", err)
			return
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("frame: %q\n", frame)
	}
	// Output:
	// frame: "GET key"
	// frame: "SET key value"
	// closing connection: codec: frame too large: no '\n' within 16 bytes
}
