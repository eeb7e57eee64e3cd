package sockstate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// tables are the kernel's TCP socket tables for this network namespace.
var tables = []string{"/proc/net/tcp", "/proc/net/tcp6"}

// Snapshot returns every TCP socket in this process's network namespace,
// IPv4 first. A missing /proc/net/tcp6 (IPv6 disabled) is not an error.
func Snapshot() ([]Entry, error) {
	var all []Entry
	for _, path := range tables {
		entries, err := readTable(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		all = append(all, entries...)
	}
	return all, nil
}

func readTable(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open socket table: %w", err)
	}
	defer f.Close()
	entries, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return entries, nil
}
