package secret_test

import (
	"fmt"

	"gatewaylab/07-middleware/secret"
)

// Store only the hash; check a presented secret against it.
func Example() {
	s := "demo-only-secret" // real secrets come from secret.Generate()
	stored := secret.Hash(s)
	fmt.Println(stored)
	digest, err := secret.ParseHash(stored)
	if err != nil {
		panic(err)
	}
	fmt.Println(secret.Matches(digest, s), secret.Matches(digest, "guess"))
	// Output:
	// sha256:32db7bc7af08fc898ecb410bc7cc68ab6f2761f4f735a69543765b04f4a84860
	// true false
}
