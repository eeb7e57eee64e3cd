package echopb_test

import (
	"fmt"

	"gatewaylab/08-grpc-ws/echopb"
)

// A request that asks ServerStreamingEcho for three responses; the getters are safe on
// nil messages too, as generated code's always are.
func Example() {
	req := &echopb.EchoRequest{Message: "hi", Repeat: 3}
	var missing *echopb.EchoRequest
	fmt.Println(req.GetMessage(), req.GetRepeat(), missing.GetMessage() == "")
	fmt.Println(echopb.Echo_ServiceDesc.ServiceName)
	// Output:
	// hi 3 true
	// gatewaylab.echo.v1.Echo
}
