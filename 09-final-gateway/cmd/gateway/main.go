// Command gateway is the gatewaylab API gateway.
//
//	gateway                          serve the embedded default configuration (demo backends included)
//	gateway -config gateway.yaml     serve a configuration file (reloaded on change and on SIGHUP)
//	gateway check gateway.yaml       validate a configuration file without serving it
//	gateway default-config           print the embedded default configuration
//	gateway hash-secret              read a secret on stdin, print the hash for the config file
//	gateway hash-secret -generate    make a new secret, print it and its hash
//	gateway hash-password            read a password on stdin (one line), print its bcrypt hash
//	                                 for a dashboard user (admin.users[].password_hash)
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"gatewaylab/07-middleware/secret"
	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/password"
	"gatewaylab/09-final-gateway/server"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gateway:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "check":
			return check(args[1:], stdout)
		case "default-config":
			_, err := stdout.Write(config.DefaultYAML())
			return err
		case "hash-secret":
			return hashSecret(args[1:], os.Stdin, stdout)
		case "hash-password":
			return hashPassword(args[1:], os.Stdin, stdout, stderr)
		case "serve":
			args = args[1:]
		}
	}
	return serve(args, stdout, stderr)
}

func serve(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	path := fs.String("config", "", "configuration file (default: the embedded demo configuration)")
	watch := fs.Duration("watch", 2*time.Second, "how often to check the configuration file for changes (0: never)")
	etcd := fs.String("etcd", "", "comma-separated etcd endpoints: cluster mode (services, routes and apps shared through etcd)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := load(*path)
	if err != nil {
		return err
	}
	if *etcd != "" {
		f.Config.Cluster.Etcd = &config.Etcd{Endpoints: strings.Split(*etcd, ","),
			Prefix: config.DefaultEtcdPrefix, DialTimeout: config.Duration(5 * time.Second)}
	}
	logger := newLogger(stderr, f.Config.Log.Level)
	slog.SetDefault(logger)
	token := os.Getenv(f.Config.Admin.TokenEnv)
	generatedToken := token == ""
	if generatedToken {
		token = secret.Generate()
	}
	demoSecret := server.AddDemoApp(f)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.Start(ctx, server.Options{File: f, Logger: logger,
		AccessLog: slog.New(slog.NewJSONHandler(stdout, nil)), AdminToken: token})
	if err != nil {
		return err
	}
	printBanner(stdout, srv, f, token, generatedToken, demoSecret)
	go reloadOnSignal(ctx, srv, logger)
	if *path != "" && *watch > 0 {
		go watchFile(ctx, *path, *watch, srv, logger)
	}
	<-ctx.Done()
	logger.Info("shutting down: draining connections")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout(f))
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

func load(path string) (*config.File, error) {
	if path == "" {
		return config.Default()
	}
	return config.Load(path)
}

// shutdownTimeout bounds the whole shutdown: the longest listener grace period (each
// listener drains within its own), plus a moment for the admin listener.
func shutdownTimeout(f *config.File) time.Duration {
	var d time.Duration
	for _, l := range f.Config.Listeners {
		d = max(d, l.Timeouts.Shutdown.D())
	}
	if d == 0 {
		d = config.DefaultShutdown
	}
	return d + time.Second
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// reloadOnSignal reloads the configuration file on SIGHUP.
func reloadOnSignal(ctx context.Context, srv *server.Server, logger *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if hash, err := srv.ReloadFile(); err == nil {
				logger.Info("reloaded on SIGHUP", "hash", hash)
			}
		}
	}
}

func check(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: gateway check FILE")
	}
	f, err := config.Load(args[0])
	if err != nil {
		return err
	}
	if err := server.Check(f); err != nil {
		return err
	}
	c := f.Config
	fmt.Fprintf(stdout, "%s: ok (%d listeners, %d services, %d routes, %d apps)\n",
		args[0], len(c.Listeners), len(c.Services), len(c.Routes), len(c.Apps))
	return nil
}

func hashSecret(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("hash-secret", flag.ContinueOnError)
	generate := fs.Bool("generate", false, "make a new random secret and print it with its hash")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *generate {
		s := secret.Generate()
		fmt.Fprintf(stdout, "secret:      %s\nsecret_hash: %s\n", s, secret.Hash(s))
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(stdin, 4096))
	if err != nil {
		return err
	}
	s := string(b)
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	if s == "" {
		return fmt.Errorf("no secret on stdin (or use -generate)")
	}
	fmt.Fprintln(stdout, secret.Hash(s))
	return nil
}

// hashPassword reads a dashboard user's password, the first line on stdin, and prints
// its bcrypt hash for admin.users. The password is read from stdin, never taken as an
// argument: arguments show in ps and in the shell's history. When stdin is a terminal
// it asks for the password on stderr (the typing is not hidden: run it where nobody
// watches, or pipe the password in).
func hashPassword(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hash-password", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: gateway hash-password < password-file (the password is read on stdin, not taken as an argument)")
	}
	if isTerminal(stdin) {
		fmt.Fprint(stderr, "password (one line): ")
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the password: %w", err)
	}
	h, err := password.Hash(strings.TrimRight(line, "\r\n"))
	if err != nil {
		return fmt.Errorf("hash-password: %w (the password is read on stdin, one line)", err)
	}
	_, err = fmt.Fprintln(stdout, h)
	return err
}

// isTerminal reports whether r is a character device (a person typing).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
