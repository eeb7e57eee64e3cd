package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"gatewaylab/09-final-gateway/bench/internal/targets"
)

// proc is a server the benchmark started. Every one is a plain child of this process,
// in this session and scheduler autogroup: starting servers in their own sessions
// (setsid, separate systemd units) made every proxy look 1.5-2x worse on this machine
// (shared/reference/perf-baseline.md §5).
type proc struct {
	spec   targets.Process
	cmd    *exec.Cmd
	log    *os.File
	exited chan struct{}
	err    error // set when exited is closed
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// alive reports whether the process is still running.
func (p *proc) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// start launches spec with its output in dir/logs/<name>.log.
func start(spec targets.Process, dir string) (*proc, error) {
	f, err := os.Create(filepath.Join(dir, "logs", spec.Name+".log"))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(f, "$ %s\n", strings.Join(spec.Args, " "))
	cmd := exec.Command(spec.Args[0], spec.Args[1:]...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), spec.Env...)
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	p := &proc{spec: spec, cmd: cmd, log: f, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// waitReady waits until every address of p accepts connections.
func (p *proc) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for _, addr := range p.spec.Ready {
		for {
			if !p.alive() {
				return fmt.Errorf("%s exited before listening on %s (%v); see logs/%s.log", p.spec.Name, addr, p.err, p.spec.Name)
			}
			c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				return fmt.Errorf("%s does not listen on %s after %s; see logs/%s.log", p.spec.Name, addr, timeout, p.spec.Name)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nil
}

// stopAll sends SIGTERM to every process, and SIGKILL to those still running after
// grace. It only ever signals the PIDs it started.
func stopAll(procs []*proc, grace time.Duration) {
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Go(func() {
			defer p.log.Close()
			if !p.alive() {
				return
			}
			p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.exited:
			case <-time.After(grace):
				p.cmd.Process.Kill()
				<-p.exited
			}
		})
	}
	wg.Wait()
}

// checkFree fails with the first address something already listens on.
func checkFree(addrs []string) error {
	var busy []string
	for _, a := range addrs {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			busy = append(busy, a)
			continue
		}
		ln.Close()
	}
	if len(busy) > 0 {
		return fmt.Errorf("ports in use: %s (another benchmark still running? `ss -ltnp | grep 18[0-7]`)", strings.Join(busy, ", "))
	}
	return nil
}

var errDied = errors.New("process died")
