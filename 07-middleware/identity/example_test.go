package identity_test

import (
	"context"
	"fmt"

	"gatewaylab/07-middleware/identity"
)

func Example() {
	ctx := identity.With(context.Background(), identity.Identity{App: "app_a", Subject: "app_a", Method: "app"})
	if id, ok := identity.From(ctx); ok {
		fmt.Println(id.App, id.Method)
	}
	_, ok := identity.From(context.Background())
	fmt.Println("anonymous has identity:", ok)
	// Output:
	// app_a app
	// anonymous has identity: false
}
