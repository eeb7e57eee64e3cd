package discovery

import (
	"slices"
	"testing"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/06-discovery/health"
	"gatewaylab/06-discovery/registry"
)

func TestRoute(t *testing.T) {
	insts := []registry.Instance{{Addr: "a:1", Weight: 1}, {Addr: "b:1", Weight: 2}, {Addr: "c:1", Weight: 3}, {Addr: "d:1", Weight: 1}}
	H, U, P := health.Healthy, health.Unhealthy, health.Pending
	tests := []struct {
		name      string
		states    health.States
		ejected   []string
		threshold int
		want      []string
		wantPanic bool
	}{
		{"no checker: all healthy", nil, nil, 50, []string{"a:1", "b:1", "c:1", "d:1"}, false},
		{"unhealthy and ejected are left out", health.States{"a:1": H, "b:1": U, "c:1": H, "d:1": H}, []string{"c:1"}, 50, []string{"a:1", "d:1"}, false},
		{"exactly at the threshold is not panic", health.States{"a:1": H, "b:1": H, "c:1": U, "d:1": U}, nil, 50, []string{"a:1", "b:1"}, false},
		{"below the threshold routes to all checked", health.States{"a:1": H, "b:1": U, "c:1": U, "d:1": U}, nil, 50, []string{"a:1", "b:1", "c:1", "d:1"}, true},
		{"ejections count towards panic", health.States{"a:1": H, "b:1": H, "c:1": H, "d:1": U}, []string{"a:1", "b:1"}, 50, []string{"a:1", "b:1", "c:1", "d:1"}, true},
		{"panic disabled: only the survivor", health.States{"a:1": H, "b:1": U, "c:1": U, "d:1": U}, nil, 0, []string{"a:1"}, false},
		{"panic disabled, none usable: empty", health.States{"a:1": U, "b:1": U, "c:1": U, "d:1": U}, nil, 0, nil, false},
		{"pending are neither counted nor routed", health.States{"a:1": H, "b:1": P, "c:1": P, "d:1": P}, nil, 50, []string{"a:1"}, false},
		{"all pending: nothing yet", health.States{"a:1": P, "b:1": P, "c:1": P, "d:1": P}, nil, 50, nil, false},
		{"missing from states counts as pending", health.States{"a:1": U}, nil, 50, []string{"a:1"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := route(insts, tt.states, tt.ejected, tt.threshold)
			var got []string
			for _, tg := range v.routed {
				got = append(got, tg.Addr)
			}
			if !slices.Equal(got, tt.want) || v.panic != tt.wantPanic {
				t.Errorf("route = %v panic=%v, want %v panic=%v", got, v.panic, tt.want, tt.wantPanic)
			}
		})
	}
}

func TestRouteKeepsWeights(t *testing.T) {
	v := route([]registry.Instance{{Addr: "a:1", Weight: 5}}, nil, nil, 50)
	if !slices.Equal(v.targets(), []balancer.Target{{Addr: "a:1", Weight: 5}}) {
		t.Errorf("targets = %v, want weight 5 kept", v.targets())
	}
}
