package measure

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ClockTicks is USER_HZ, the unit of /proc's CPU times: 100 on every Linux
// architecture Go supports.
const ClockTicks = 100

// statFields returns the fields of /proc/<pid>/stat after the command name, which
// may itself hold spaces and parentheses: field 3 (state) is index 0.
func statFields(pid int) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	return strings.Fields(string(b[i+1:])), nil
}

// CPU is processor time in seconds, split by where it was spent. The split matters
// for a proxy: a request's system calls (and the loopback TCP work the kernel does
// inside them) are System, the proxy's own code and runtime are User.
type CPU struct {
	User, System float64
}

// Total is User + System.
func (c CPU) Total() float64 { return c.User + c.System }

// Sub is c - o, for the CPU used between two samples.
func (c CPU) Sub(o CPU) CPU { return CPU{User: c.User - o.User, System: c.System - o.System} }

// CPUTimes returns utime and stime of pid (all its threads), in seconds.
func CPUTimes(pid int) (CPU, error) {
	f, err := statFields(pid)
	if err != nil {
		return CPU{}, err
	}
	if len(f) < 13 {
		return CPU{}, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseUint(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return CPU{}, fmt.Errorf("/proc/%d/stat: bad utime/stime", pid)
	}
	return CPU{User: float64(utime) / ClockTicks, System: float64(stime) / ClockTicks}, nil
}

// Tree returns pid and all its descendants (nginx's workers, for example).
func Tree(pid int) []int {
	children := map[int][]int{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		p, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		f, err := statFields(p)
		if err != nil || len(f) < 2 {
			continue // gone meanwhile
		}
		if ppid, err := strconv.Atoi(f[1]); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// TreeCPU sums CPUTimes over pid's tree. Processes that exit between the listing
// and the read are skipped.
func TreeCPU(pid int) CPU {
	var sum CPU
	for _, p := range Tree(pid) {
		if c, err := CPUTimes(p); err == nil {
			sum.User += c.User
			sum.System += c.System
		}
	}
	return sum
}

// statusKiB returns a "kB" field of /proc/<pid>/status (VmHWM, VmRSS).
func statusKiB(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		v := strings.Fields(rest)
		if len(v) == 0 {
			break
		}
		return strconv.ParseInt(v[0], 10, 64)
	}
	return 0, fmt.Errorf("/proc/%d/status: no %s", pid, field)
}

// TreeKiB sums a /proc/<pid>/status field over pid's tree: "VmHWM" is the peak
// resident set (summed per process, so an upper bound for a tree), "VmRSS" the current.
func TreeKiB(pid int, field string) int64 {
	var sum int64
	for _, p := range Tree(pid) {
		if v, err := statusKiB(p, field); err == nil {
			sum += v
		}
	}
	return sum
}

// MachineTicks returns the busy and total CPU ticks of the whole machine from
// /proc/stat (busy excludes idle and iowait).
func MachineTicks() (busy, total uint64, err error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, 0, fmt.Errorf("/proc/stat: empty")
	}
	fields := strings.Fields(sc.Text())
	if len(fields) < 6 || fields[0] != "cpu" {
		return 0, 0, fmt.Errorf("/proc/stat: unexpected first line %q", sc.Text())
	}
	for i, s := range fields[1:] {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/stat: %w", err)
		}
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total, nil
}
