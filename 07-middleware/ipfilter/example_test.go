package ipfilter_test

import (
	"fmt"
	"net/netip"

	"gatewaylab/07-middleware/ipfilter"
)

func ExampleFilter_Allowed() {
	f, err := ipfilter.NewFilter([]string{"10.0.0.0/8", "2001:db8::/32"}, []string{"10.6.6.6"})
	if err != nil {
		panic(err)
	}
	for _, s := range []string{"10.1.2.3", "10.6.6.6", "2001:db8::1", "203.0.113.9"} {
		fmt.Println(s, f.Allowed(netip.MustParseAddr(s)))
	}
	// Output:
	// 10.1.2.3 true
	// 10.6.6.6 false
	// 2001:db8::1 true
	// 203.0.113.9 false
}
