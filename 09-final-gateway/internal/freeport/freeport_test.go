package freeport

import (
	"net"
	"strconv"
	"testing"
)

func TestAddrsAreFreeDistinctAndBelowTheEphemeralRange(t *testing.T) {
	addrs, err := Addrs(20)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range addrs {
		if seen[a] {
			t.Fatalf("%s chosen twice", a)
		}
		seen[a] = true
		_, p, _ := net.SplitHostPort(a)
		if port, _ := strconv.Atoi(p); port < lowest || port >= ephemeralLow() {
			t.Errorf("port %d outside [%d, %d)", port, lowest, ephemeralLow())
		}
		ln, err := net.Listen("tcp", a)
		if err != nil {
			t.Errorf("%s not free: %v", a, err)
			continue
		}
		ln.Close()
	}
}
