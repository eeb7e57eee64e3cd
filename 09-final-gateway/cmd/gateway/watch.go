package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"log/slog"
	"os"
	"time"

	"gatewaylab/09-final-gateway/server"
)

// watchFile reloads the configuration when the file's content changes. It polls: ten
// lines of stdlib, no inotify dependency, and it works on every filesystem (including
// the symlink swaps of a Kubernetes ConfigMap). An invalid new file is refused and the
// old configuration keeps serving; the error is logged and counted in metrics.
func watchFile(ctx context.Context, path string, every time.Duration, srv *server.Server, logger *slog.Logger) {
	last := digest(path)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		d := digest(path)
		if d == nil || bytes.Equal(d, last) {
			continue
		}
		last = d
		if hash, err := srv.ReloadFile(); err == nil {
			logger.Info("reloaded after the file changed", "file", path, "hash", hash)
		}
	}
}

func digest(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(b)
	return sum[:]
}
