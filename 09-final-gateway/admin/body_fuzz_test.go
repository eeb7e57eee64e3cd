package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"gatewaylab/09-final-gateway/config"
)

// FuzzDecodeService checks the JSON -> configuration -> JSON path the API uses: any
// body is either refused with a bad request or located field problems, or decoded
// into a service whose view decodes back to the same service (nothing shown that
// cannot be sent back, nothing lost on the way). Seeds: testdata/fuzz/FuzzDecodeService.
func FuzzDecodeService(f *testing.F) {
	f.Add([]byte(`{"name": "shop", "targets": [{"addr": "127.0.0.1:1", "weight": 2}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var s config.Service
		if err := decodeStrict(body, &s, "services[0]"); err != nil {
			checkRefusal(t, err)
			return
		}
		s.Balancer.LoadFactor += 0 // -0 and 0 mean the same; the view writes neither
		v, err := viewOf(&s)
		if err != nil {
			t.Fatalf("view of a decoded service: %v", err)
		}
		shown, err := json.Marshal(v)
		if err != nil || !json.Valid(shown) {
			t.Fatalf("view is not JSON: %v\n%s", err, shown)
		}
		var back config.Service
		if err := decodeStrict(shown, &back, ""); err != nil {
			t.Fatalf("the view %s is refused: %v", shown, err)
		}
		want, err := config.Marshal(&config.Config{Services: []config.Service{s}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := config.Marshal(&config.Config{Services: []config.Service{back}})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("round trip changed the service\nbody %s\nview %s\nwant %s\ngot  %s", body, shown, want, got)
		}
	})
}

// checkRefusal fails unless err is a bad request or problems located in the service.
func checkRefusal(t *testing.T, err error) {
	t.Helper()
	var inv *invalidError
	if !errors.As(err, &inv) {
		if !errors.Is(err, errBadRequest) {
			t.Fatalf("refusal %v is neither a bad request nor a field problem", err)
		}
		return
	}
	if len(inv.fields) == 0 {
		t.Fatal("an invalid body with no problem listed")
	}
	for _, p := range inv.fields {
		if p.Message == "" || !strings.HasPrefix(p.Path, "services[0]") {
			t.Fatalf("problem %+v: want a message and a path inside the service", p)
		}
	}
}
