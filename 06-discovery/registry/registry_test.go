package registry

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name    string
		in      Instance
		wantErr bool
		weight  int
	}{
		{"ipv4", Instance{Addr: "10.0.0.1:80"}, false, DefaultWeight},
		{"ipv6", Instance{Addr: "[::1]:8080", Weight: 7}, false, 7},
		{"hostname", Instance{Addr: "api.internal:443"}, false, DefaultWeight},
		{"max weight", Instance{Addr: "a:1", Weight: 1_000_000}, false, 1_000_000},
		{"weight above max", Instance{Addr: "a:1", Weight: 1_000_001}, true, 0},
		{"no port", Instance{Addr: "a"}, true, 0},
		{"empty host", Instance{Addr: ":80"}, true, 0},
		{"port 65536", Instance{Addr: "a:65536"}, true, 0},
		{"named port", Instance{Addr: "a:http"}, true, 0},
		{"empty metadata key", Instance{Addr: "a:1", Metadata: map[string]string{"": "x"}}, true, 0},
		{"huge metadata value", Instance{Addr: "a:1", Metadata: map[string]string{"k": strings.Repeat("x", 2000)}}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidInstance) {
					t.Errorf("Normalize = %+v, %v; want ErrInvalidInstance", got, err)
				}
				return
			}
			if err != nil || got.Weight != tt.weight {
				t.Errorf("Normalize = %+v, %v; want weight %d", got, err, tt.weight)
			}
		})
	}
}

func TestCheckService(t *testing.T) {
	for name, ok := range map[string]bool{
		"api": true, "api-v2": true, "orders_svc.prod": true, "A1": true,
		"": false, "a/b": false, "a b": false, "ä": false, strings.Repeat("a", 129): false,
	} {
		if err := CheckService(name); (err == nil) != ok {
			t.Errorf("CheckService(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

func TestSortedRemovesDuplicates(t *testing.T) {
	in := []Instance{{Addr: "b:1", Weight: 1}, {Addr: "a:1", Weight: 2}, {Addr: "b:1", Weight: 3}}
	got := Sorted(in)
	if len(got) != 2 || got[0].Addr != "a:1" || got[1].Addr != "b:1" || got[1].Weight != 1 {
		t.Errorf("Sorted = %+v, want a:1, then the first b:1", got)
	}
	if in[0].Addr != "b:1" {
		t.Error("Sorted changed its input")
	}
}

func TestEqualComparesEverything(t *testing.T) {
	a := []Instance{{Addr: "a:1", Weight: 1, Metadata: map[string]string{"v": "1"}}}
	for name, b := range map[string][]Instance{
		"weight":   {{Addr: "a:1", Weight: 2, Metadata: map[string]string{"v": "1"}}},
		"metadata": {{Addr: "a:1", Weight: 1, Metadata: map[string]string{"v": "2"}}},
		"length":   nil,
	} {
		if Equal(a, b) {
			t.Errorf("Equal ignores a different %s", name)
		}
	}
	if !Equal(a, Clone(a)) {
		t.Error("a set differs from its clone")
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		in      string
		want    Instance
		wantErr bool
	}{
		{`{"addr":"10.0.0.1:80","weight":2,"metadata":{"zone":"a"}}`, Instance{Addr: "10.0.0.1:80", Weight: 2, Metadata: map[string]string{"zone": "a"}}, false},
		{`{"addr":"10.0.0.1:80"}`, Instance{Addr: "10.0.0.1:80", Weight: 1}, false},
		{`{"addr":"10.0.0.1:80","extra":true}`, Instance{Addr: "10.0.0.1:80", Weight: 1}, false},
		{`{"addr":"10.0.0.1"}`, Instance{}, true},
		{`{"addr":"10.0.0.1:80","weight":"2"}`, Instance{}, true},
		{`not json`, Instance{}, true},
		{``, Instance{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidInstance) {
					t.Errorf("Decode = %+v, %v; want ErrInvalidInstance", got, err)
				}
				return
			}
			if err != nil || !Equal([]Instance{got}, []Instance{tt.want}) {
				t.Errorf("Decode = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// FuzzDecode feeds arbitrary bytes to Decode, as a hand-edited etcd value would: what
// decodes must be valid and survive Encode then Decode unchanged.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"addr":"10.0.0.1:80","weight":2,"metadata":{"zone":"a"}}`,
		`{"addr":"[::1]:443"}`, `{"addr":"a:1","weight":0}`, `{"addr":"a:1","weight":-3}`,
		`{"addr":"a:1","metadata":{"":""}}`, `[]`, `null`, `{"addr":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		inst, err := Decode(data)
		if err != nil {
			return
		}
		if _, err := Normalize(inst); err != nil {
			t.Fatalf("Decode(%q) returned an instance Normalize rejects: %v", data, err)
		}
		enc, err := Encode(inst)
		if err != nil {
			t.Fatalf("Encode(%+v): %v", inst, err)
		}
		again, err := Decode(enc)
		if err != nil || !Equal([]Instance{again}, []Instance{inst}) {
			t.Fatalf("round trip of %q: %s decoded as %+v, %v; want %+v", data, enc, again, err, inst)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	data := []byte(`{"addr":"10.0.0.1:8080","weight":2,"metadata":{"zone":"a","version":"1.4.2"}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
