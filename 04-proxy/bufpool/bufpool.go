// Package bufpool shares the copy buffers of every proxy in the process. A proxy copies
// each body through a buffer; allocating 32 KiB per request (what io.Copy does) would
// make the garbage collector, not the network, the bottleneck under load, and per idle
// connection memory is dominated by such buffers (see issue #12's memory target).
package bufpool

import "sync"

// Size is the length of every pooled buffer: large enough that a body moves in few
// system calls, the same as io.Copy's default.
const Size = 32 << 10

var pool = sync.Pool{New: func() any {
	b := make([]byte, Size)
	return &b
}}

// Get returns a buffer of Size bytes. Return it with Put when done.
func Get() *[]byte { return pool.Get().(*[]byte) }

// Put returns a buffer obtained from Get. Buffers of another size are dropped.
func Put(b *[]byte) {
	if cap(*b) != Size {
		return
	}
	*b = (*b)[:Size]
	pool.Put(b)
}

// Pool adapts the shared pool to net/http/httputil.BufferPool, whose []byte-based
// interface cannot carry the *[]byte sync.Pool needs; it keeps its own pointer pool so
// that Get and Put do not allocate.
type Pool struct{}

var ptrs = sync.Pool{New: func() any { return new([]byte) }}

// Get returns a buffer of Size bytes.
func (Pool) Get() []byte {
	p := Get()
	b := *p
	*p = nil
	ptrs.Put(p)
	return b
}

// Put returns a buffer obtained from Get.
func (Pool) Put(b []byte) {
	p := ptrs.Get().(*[]byte)
	*p = b
	Put(p)
}
