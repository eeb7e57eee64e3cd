package wire_test

import (
	"fmt"

	"gatewaylab/01-network/wire"
)

// The worked example of RFC 6455 section 1.3.
func ExampleAcceptKey() {
	fmt.Println(wire.AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="))
	// Output: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
}
