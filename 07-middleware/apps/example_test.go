package apps_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"gatewaylab/07-middleware/apps"
	"gatewaylab/07-middleware/secret"
)

// The Gate is the app logic without HTTP, as the gRPC interceptors use it: the app must
// exist, call from an allowed network and stay within its quota.
func ExampleGate_Admit() {
	registry, err := apps.NewRegistry([]apps.App{{
		ID:         "app_b",
		SecretHash: secret.Hash("demo-only-secret"),
		DailyQuota: 1,
		AllowedIPs: []string{"10.0.0.0/8"},
	}})
	if err != nil {
		panic(err)
	}
	gate, err := apps.NewGate(apps.GateConfig{Registry: registry})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	lan, internet := netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("203.0.113.9")

	_, err = gate.Admit(ctx, "app_b", lan)
	fmt.Println("first call:", err)
	_, err = gate.Admit(ctx, "app_b", internet)
	fmt.Println("from the internet:", errors.Is(err, apps.ErrIPNotAllowed))
	_, err = gate.Admit(ctx, "app_b", lan)
	fmt.Println("second call:", errors.Is(err, apps.ErrQuotaExceeded))
	_, err = gate.Admit(ctx, "app_x", lan)
	fmt.Println("unknown app:", errors.Is(err, apps.ErrUnknownApp))
	// Output:
	// first call: <nil>
	// from the internet: true
	// second call: true
	// unknown app: true
}
