package redistest

import (
	"bufio"
	"net"
	"testing"
	"time"
)

func TestStartStopRestart(t *testing.T) {
	s := Start(t)
	set := func() string {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err != nil {
			t.Fatalf("dial %s: %v", s.Addr, err)
		}
		defer c.Close()
		if _, err := c.Write([]byte("SET k v\r\nGET k\r\n")); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(c)
		if ok, _ := r.ReadString('\n'); ok != "+OK\r\n" {
			t.Fatalf("SET reply %q", ok)
		}
		if _, err := r.ReadString('\n'); err != nil { // $1
			t.Fatal(err)
		}
		v, _ := r.ReadString('\n')
		return v
	}
	if got := set(); got != "v\r\n" {
		t.Fatalf("GET k = %q", got)
	}
	s.Stop()
	if c, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
		c.Close()
		t.Fatalf("dial after Stop succeeded")
	}
	s.Restart()
	if got := set(); got != "v\r\n" {
		t.Fatalf("GET k after restart = %q", got)
	}
}
