package proc

import (
	"fmt"
	"os"
	"path/filepath"

	"gatewaylab/09-final-gateway/internal/freeport"
)

// FreeAddrs returns n distinct loopback addresses whose ports were free a moment ago
// (see package freeport for why they are not taken from "127.0.0.1:0").
func FreeAddrs(n int) ([]string, error) { return freeport.Addrs(n) }

// WriteConfig writes data to dir/gateway.yaml through a temporary file and a rename, as
// a deploy tool (or a Kubernetes ConfigMap) does, so that the gateway's file watcher
// never reads half a file. It returns the path.
func WriteConfig(dir string, data []byte) (string, error) {
	path := filepath.Join(dir, "gateway.yaml")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return "", fmt.Errorf("write config: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("write config: %w", err)
	}
	return path, nil
}
