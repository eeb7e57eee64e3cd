package rewrite_test

import (
	"fmt"

	"gatewaylab/07-middleware/rewrite"
)

func ExampleRewriter_Rewrite() {
	rw, err := rewrite.NewRewriter([]rewrite.Rule{{Match: `^/aaa/(.*)`, Replace: "/bbb/$1"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(rw.Rewrite("/aaa/x/y"))
	fmt.Println(rw.Rewrite("/ccc"))
	// Output:
	// /bbb/x/y true
	// /ccc false
}
