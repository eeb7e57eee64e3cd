package apikey_test

import (
	"fmt"

	"gatewaylab/07-middleware/apikey"
	"gatewaylab/07-middleware/secret"
)

// Config holds only the hash; the key itself is handed to the client once.
func ExampleStore_Lookup() {
	key := "example-key-handed-to-the-client" // real keys: secret.Generate()
	store, err := apikey.NewStore([]apikey.Key{{Name: "reporting", App: "app_b", Hash: secret.Hash(key)}})
	if err != nil {
		panic(err)
	}
	k, ok := store.Lookup(key)
	fmt.Println(k.Name, k.App, ok)
	_, ok = store.Lookup("guess")
	fmt.Println(ok)
	// Output:
	// reporting app_b true
	// false
}
