package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"gatewaylab/02-tcp-udp-http/httpserver"
	"gatewaylab/04-proxy/leanserver"
	"gatewaylab/04-proxy/tlsdev"
	"gatewaylab/09-final-gateway/config"
)

// running is one open listener.
type running struct {
	name     string
	addr     string
	logger   *slog.Logger
	shutdown func(ctx context.Context) error
	close    func()
	ln       net.Listener
	grace    time.Duration // timeouts.shutdown: how long its connections may take to finish
}

// stopAccepting closes the listening socket; Serve then returns, and shutdown drains
// the connections already accepted.
func (r *running) stopAccepting() {
	if r.ln != nil {
		if err := r.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			r.logger.Debug("close listener", "listener", r.name, "err", err)
		}
	}
}

func (g *Gateway) startListener(l config.Listener) error {
	var (
		r   *running
		err error
	)
	switch l.Protocol {
	case "http", "https":
		r, err = g.startHTTP(l)
	case "tcp":
		r, err = g.startTCP(l)
	case "grpc":
		r, err = g.startGRPC(l)
	default:
		err = fmt.Errorf("unknown protocol %q", l.Protocol)
	}
	if err != nil {
		return fmt.Errorf("listener %s (%s on %s): %w", l.Name, l.Protocol, l.Listen, err)
	}
	r.grace = l.Timeouts.Shutdown.D()
	g.listeners[l.Name] = r
	g.logger.Info("listening", "listener", l.Name, "protocol", l.Protocol, "addr", r.addr)
	return nil
}

func (g *Gateway) startHTTP(l config.Listener) (*running, error) {
	var h http.Handler = &entry{g: g, listener: l.Name}
	if g.deps.Entry != nil {
		var err error
		if h, err = g.deps.Entry(l, h); err != nil {
			return nil, err
		}
	}
	h = edge(h)
	srv := httpserver.New(httpserver.Config{
		ReadHeaderTimeout: l.Timeouts.ReadHeader.D(),
		ReadTimeout:       orNone(l.Timeouts.Read.D()),
		WriteTimeout:      orNone(l.Timeouts.Write.D()),
		IdleTimeout:       l.Timeouts.Idle.D(),
		MaxHeaderBytes:    int(l.MaxHeaderBytes),
	}, h, g.logger)
	srv.BaseContext = func(net.Listener) context.Context { return g.base }
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	if l.Protocol == "https" {
		srv.Protocols.SetHTTP2(true)
		conf, err := ListenerTLS(l, g.logger)
		if err != nil {
			return nil, err
		}
		srv.TLSConfig = conf
	}
	if l.H2C {
		srv.Protocols.SetUnencryptedHTTP2(true)
	}
	ln, err := net.Listen("tcp", l.Listen)
	if err != nil {
		return nil, err
	}
	// One of two servers serves the listener; both shut down the same way.
	var server interface {
		Shutdown(context.Context) error
		Close() error
	} = srv
	serve := func() error { return srv.Serve(ln) }
	if srv.TLSConfig != nil {
		serve = func() error { return srv.ServeTLS(ln, "", "") }
	}
	if l.Protocol == "http" && l.Server == "lean" {
		// Stage 04's leanserver: net/http's parsing and semantics without its
		// goroutine per request (issue 12); h2c connections go to srv.
		ls := &leanserver.Server{
			Handler: h, ReadHeaderTimeout: srv.ReadHeaderTimeout, ReadTimeout: srv.ReadTimeout,
			WriteTimeout: srv.WriteTimeout, IdleTimeout: srv.IdleTimeout, MaxHeaderBytes: srv.MaxHeaderBytes,
			BaseContext: srv.BaseContext, Logger: g.logger,
		}
		if l.H2C {
			ls.H2C = srv
		}
		server, serve = ls, func() error { return ls.Serve(ln) }
	}
	go func() {
		if err := serve(); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			g.logger.Error("listener stopped", "listener", l.Name, "err", err)
		}
	}()
	return &running{
		name: l.Name, addr: ln.Addr().String(), logger: g.logger, ln: ln,
		shutdown: func(ctx context.Context) error {
			err := server.Shutdown(ctx)
			if err != nil {
				err = errors.Join(err, server.Close())
			}
			return err
		},
		close: func() { server.Close() },
	}, nil
}

// orNone turns "not set" (0) into "no limit" for stage 02's server, where 0 means
// its default: a gateway must not cut streams and slow uploads by default.
func orNone(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// ListenerTLS returns the TLS configuration of an https (or grpc over TLS) listener: its
// certificate files, or, with tls.dev, a development CA and certificate made now, the CA
// written to dev-ca.pem in devTLSDir for clients to trust.
func ListenerTLS(l config.Listener, logger *slog.Logger) (*tls.Config, error) {
	t := l.TLS
	if !t.Dev {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("load certificate: %w", err)
		}
		return tlsdev.ServerConfig(cert), nil
	}
	hosts := t.Hosts
	if len(hosts) == 0 {
		hosts = []string{"localhost", "127.0.0.1", "::1"}
	}
	ca, err := tlsdev.NewCA("gatewaylab development CA (" + l.Name + ")")
	if err != nil {
		return nil, err
	}
	cert, err := ca.Issue(hosts...)
	if err != nil {
		return nil, err
	}
	dir, err := devTLSDir(l)
	if err != nil {
		return nil, fmt.Errorf("dev certificate directory: %w", err)
	}
	files, err := tlsdev.WriteFiles(dir, ca, cert)
	if err != nil {
		return nil, err
	}
	logger.Warn("serving a development certificate: not for production", "listener", l.Name,
		"hosts", hosts, "ca_file", files.CACert)
	return tlsdev.ServerConfig(cert), nil
}

// devTLSDir makes and returns the directory a tls.dev listener's CA, certificate and
// key are written to: $TMPDIR/gatewaylab-dev-tls-<uid>/<listener>-<listen address>.
//
// The listen address makes the path unique among the gateways of one machine (two
// cannot listen on one address; the listener name alone collided, and one gateway's
// CA overwrote another's) and keeps it stable across restarts, for scripts that pass
// it to curl --cacert. The per-user parent is made 0700 and refused when it is anything
// else (another user's directory, a link): in a shared /tmp another user could
// otherwise plant the directory or a link where the private key is written.
func devTLSDir(l config.Listener) (string, error) {
	parent := filepath.Join(os.TempDir(), fmt.Sprintf("gatewaylab-dev-tls-%d", os.Getuid()))
	if err := os.Mkdir(parent, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", err
	}
	st, err := os.Lstat(parent)
	if err != nil {
		return "", err
	}
	// 0700 and writable by this process means it is this user's (or root's) own.
	if !st.IsDir() || st.Mode().Perm() != 0o700 {
		return "", fmt.Errorf("%s is not a private directory (want mode drwx------, got %v): remove it", parent, st.Mode())
	}
	dir := filepath.Join(parent, l.Name+"-"+unsafeChars.ReplaceAllString(l.Listen, "_"))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return dir, nil
}

// unsafeChars are the characters of a listen address that do not belong in a file name.
var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)
