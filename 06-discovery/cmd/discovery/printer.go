package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// printer writes the demo's lines, each event with the time since the start, from any
// goroutine.
type printer struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
	names map[string]string // backend address -> "backend N"
}

func newPrinter(w io.Writer) *printer {
	return &printer{w: w, start: time.Now(), names: map[string]string{}}
}

// event prints one timestamped line.
func (p *printer) event(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "  [%5.1fs] %s\n", time.Since(p.start).Seconds(), fmt.Sprintf(format, args...))
}

// say prints lines as they are.
func (p *printer) say(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format+"\n", args...)
}

func (p *printer) nameBackend(addr, name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.names[addr] = name
}

// name returns "backend N" for a known address, the address otherwise.
func (p *printer) name(addr string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n, ok := p.names[addr]; ok {
		return n
	}
	return addr
}

// list names the backends at addrs, in order of their numbers: "[1 2 3]".
func (p *printer) list(addrs []string) string {
	short := make([]string, len(addrs))
	for i, a := range addrs {
		short[i] = strings.TrimPrefix(p.name(a), "backend ")
	}
	slices.Sort(short)
	return "[" + strings.Join(short, " ") + "]"
}
