package proc

import "testing"

const sample = `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 42
gateway_config_reloads_total{result="ok"} 7
gateway_config_reloads_total{result="refused"} 2
gateway_requests_total{code="200",listener="web",route="api",service="api"} 10
gateway_requests_total{code="502",listener="web",route="api",service="api"} 3
process_resident_memory_bytes 2.9097984e+07
`

func TestMetrics(t *testing.T) {
	m := Metrics(sample)
	for _, tc := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"go_goroutines", nil, 42},
		{"gateway_config_reloads_total", []string{`result="refused"`}, 2},
		{"gateway_requests_total", []string{`code="502"`, `route="api"`}, 3},
		{"process_resident_memory_bytes", nil, 29097984},
		{"gateway_config_reloads_total", []string{`result="other"`}, -1},
		{"go_gorout", nil, -1}, // a prefix of a name is not the name
	} {
		if got := m.Value(tc.name, tc.labels...); got != tc.want {
			t.Errorf("Value(%s, %v) = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	if got := m.Sum("gateway_requests_total", `route="api"`); got != 13 {
		t.Errorf("Sum = %v, want 13", got)
	}
}
