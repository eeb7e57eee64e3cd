package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"gatewaylab/02-tcp-udp-http/internal/netx"
)

// Defaults used for zero Config fields.
const (
	// DefaultReadHeaderTimeout bounds reading the request line and headers:
	// the slowloris defence.
	DefaultReadHeaderTimeout = 5 * time.Second
	// DefaultReadTimeout bounds reading the whole request, body included.
	DefaultReadTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds the time from the end of the request
	// headers to the end of the response, so it must exceed the slowest
	// handler.
	DefaultWriteTimeout = 30 * time.Second
	// DefaultIdleTimeout bounds how long a keep-alive connection waits for
	// its next request.
	DefaultIdleTimeout = 90 * time.Second
	// DefaultMaxHeaderBytes caps request headers. net/http's own default is
	// 1 MiB; real browsers send a few KiB.
	DefaultMaxHeaderBytes = 64 << 10
	// DefaultShutdownGrace is how long Run lets requests in flight finish.
	DefaultShutdownGrace = 10 * time.Second
)

// Config holds a server's address and limits. Zero fields take the defaults
// above; a negative timeout disables that timeout (as zero does in
// http.Server), which is rarely what you want.
type Config struct {
	Addr              string
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
}

// New returns an http.Server for h with every limit of cfg set. Server errors
// (TLS handshake failures, panics in handlers) go to logger; nil means
// slog.Default().
func New(cfg Config, h http.Handler, logger *slog.Logger) *http.Server {
	if logger == nil {
		logger = slog.Default()
	}
	maxHeader := cfg.MaxHeaderBytes
	if maxHeader <= 0 {
		maxHeader = DefaultMaxHeaderBytes // never unlimited
	}
	return &http.Server{
		Addr:              cfg.Addr,
		Handler:           h,
		ReadHeaderTimeout: netx.Setting(cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:       netx.Setting(cfg.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:      netx.Setting(cfg.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:       netx.Setting(cfg.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:    maxHeader,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// Run serves srv on ln until ctx is done, then shuts down gracefully: it
// waits up to grace for requests in flight, then closes whatever is left.
// It returns nil after a clean shutdown, and an error if serving failed or
// the grace period ran out.
func Run(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}

	// The parent ctx is already done; the grace period needs a fresh one.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	var err error
	if serr := srv.Shutdown(shutdownCtx); serr != nil {
		err = fmt.Errorf("graceful shutdown of %s: %w", ln.Addr(), serr)
		err = errors.Join(err, srv.Close())
	}
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, fmt.Errorf("serve %s: %w", ln.Addr(), serveErr))
	}
	return err
}
