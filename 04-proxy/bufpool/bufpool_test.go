package bufpool

import "testing"

func TestGetPut(t *testing.T) {
	b := Get()
	if len(*b) != Size {
		t.Fatalf("len = %d, want %d", len(*b), Size)
	}
	*b = (*b)[:10]
	Put(b)
	if b2 := Get(); len(*b2) != Size {
		t.Fatalf("reused buffer has len %d, want %d", len(*b2), Size)
	}
	small := make([]byte, 10)
	Put(&small) // dropped, not pooled
}

func TestPoolAdapterDoesNotAllocate(t *testing.T) {
	var p Pool
	p.Put(p.Get()) // warm up
	allocs := testing.AllocsPerRun(100, func() { p.Put(p.Get()) })
	if allocs != 0 {
		t.Errorf("Get+Put allocates %.1f times, want 0", allocs)
	}
}
