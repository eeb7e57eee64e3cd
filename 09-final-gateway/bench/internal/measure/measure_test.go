package measure

import (
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseWrk(t *testing.T) {
	l, err := ParseWrk(readTestdata(t, "wrk.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := Load{Requests: 143979, RPS: 46443.52, P50ms: 1.18, P99ms: 5.98}
	if l != want {
		t.Errorf("got %+v, want %+v", l, want)
	}
	bad := strings.Replace(readTestdata(t, "wrk.txt"), "Transfer/sec", "Non-2xx or 3xx responses: 7\nTransfer/sec", 1)
	if l, _ := ParseWrk(bad); l.Errors != 7 {
		t.Errorf("errors %v, want the 7 non-2xx answers", l.Errors)
	}
	if _, err := ParseWrk("unable to connect to 127.0.0.1:1"); err == nil {
		t.Error("no error for output without a summary")
	}
}

func TestParseH2load(t *testing.T) {
	log, err := os.Open("testdata/h2load-requests.log")
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	l, err := ParseH2load(readTestdata(t, "h2load.txt"), log)
	if err != nil {
		t.Fatal(err)
	}
	// Four logged durations (0.8, 0.9, 1.2, 5 ms): the median index is 2, the 99th 3.
	want := Load{Requests: 94637, RPS: 31545.67, P50ms: 1.2, P99ms: 5}
	if l != want {
		t.Errorf("got %+v, want %+v", l, want)
	}
}

func TestParseLoadgen(t *testing.T) {
	l, err := ParseLoadgen("warming up\n" + `{"requests":40362,"errors":2,"seconds":3,"rps":13454,"p50_ms":4.5,"p99_ms":10.6}` + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Load{Requests: 40362, Errors: 2, RPS: 13454, P50ms: 4.5, P99ms: 10.6}); l != want {
		t.Errorf("got %+v, want %+v", l, want)
	}
}

func TestMedianAndMinMax(t *testing.T) {
	tests := []struct {
		in          []float64
		med, lo, hi float64
	}{
		{[]float64{3, 1, 2}, 2, 1, 3},
		{[]float64{4, 1, 3, 2}, 2.5, 1, 4},
	}
	for _, tt := range tests {
		lo, hi := MinMax(tt.in)
		if m := Median(tt.in); m != tt.med || lo != tt.lo || hi != tt.hi {
			t.Errorf("%v: median %v [%v, %v], want %v [%v, %v]", tt.in, m, lo, hi, tt.med, tt.lo, tt.hi)
		}
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("median of nothing is not NaN")
	}
}

func TestProcReaders(t *testing.T) {
	pid := os.Getpid()
	start, err := CPUTimes(pid)
	if err != nil {
		t.Fatal(err)
	}
	// Burn CPU until the kernel's tick-granular accounting moves (bounded: 2 s).
	deadline := time.Now().Add(2 * time.Second)
	for spin := 0; ; spin++ {
		now, err := CPUTimes(pid)
		if err != nil {
			t.Fatal(err)
		}
		if d := now.Sub(start); d.Total() > 0 {
			if d.User < 0 || d.System < 0 {
				t.Fatalf("CPU went backwards: %+v", d)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no CPU time accounted after 2 s of spinning (%d reads)", spin)
		}
	}
	if tree := TreeCPU(pid); tree.Total() < start.Total() {
		t.Errorf("TreeCPU(%d) = %+v, below this process alone %+v", pid, tree, start)
	}
	if kib := TreeKiB(pid, "VmHWM"); kib <= 0 {
		t.Errorf("VmHWM of this test process = %d KiB", kib)
	}
	if tree := Tree(pid); len(tree) == 0 || tree[0] != pid {
		t.Errorf("Tree(%d) = %v", pid, tree)
	}
	busy, total, err := MachineTicks()
	if err != nil || busy == 0 || total < busy {
		t.Errorf("MachineTicks = %d, %d, %v", busy, total, err)
	}
}
