package main

import (
	"fmt"
	"io"
	"net"
	"slices"
	"strings"

	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/server"
)

// printBanner says where everything listens and what to try.
func printBanner(w io.Writer, srv *server.Server, f *config.File, token string, generated bool, demoSecret string) {
	c := f.Config
	fmt.Fprintf(w, "gatewaylab gateway serving %s (config %s)\n\n", f.Name, srv.Gateway.Snapshot().Hash)
	for _, l := range c.Listeners {
		extra := ""
		if l.Service != "" {
			extra = " -> service " + l.Service
		}
		fmt.Fprintf(w, "  %-6s %-5s %s%s\n", l.Name, l.Protocol, srv.Gateway.Addr(l.Name), extra)
	}
	if srv.Admin != nil {
		fmt.Fprintf(w, "  admin  http  %s (dashboard http://%s/ui/, metrics /metrics)\n", srv.Admin.Addr(), srv.Admin.Addr())
		if generated {
			fmt.Fprintf(w, "\nadmin token (made for this run; set %s to choose one):\n  %s\n", c.Admin.TokenEnv, token)
		}
	}
	web := firstHTTP(srv, c)
	if web == "" {
		return
	}
	fmt.Fprintf(w, "\ntry:\n")
	for _, r := range c.Routes {
		path := r.Path
		if path == "" {
			path = strings.TrimSuffix(r.PathPrefix, "/") + "/"
		}
		if demoWebSocket(c, r.Service) { // curl cannot speak WebSocket: it would get 400
			fmt.Fprintf(w, "  go run ./08-grpc-ws/cmd/ws-client -url ws://%s%s hello    # route %s -> %s (WebSocket echo)\n",
				web, path, r.Name, r.Service)
			continue
		}
		fmt.Fprintf(w, "  curl -s http://%s%s    # route %s -> %s\n", web, path, r.Name, r.Service)
	}
	for _, l := range c.Listeners {
		addr := srv.Gateway.Addr(l.Name)
		switch l.Protocol {
		case "grpc":
			fmt.Fprintf(w, "  go run ./08-grpc-ws/cmd/echo-client -addr %s    # grpc listener %s -> %s\n", addr, l.Name, l.Service)
		case "tcp":
			if host, port, err := net.SplitHostPort(addr); err == nil {
				fmt.Fprintf(w, "  printf 'hello\\n' | nc -q1 %s %s    # tcp listener %s -> %s\n", host, port, l.Name, l.Service)
			}
		}
	}
	if srv.Admin != nil {
		shown := token
		if !generated { // never print a token an operator chose; name where it comes from
			shown = "$" + c.Admin.TokenEnv
		}
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer %s\" http://%s/api/v1/health\n", shown, srv.Admin.Addr())
	}
	if demoSecret != "" {
		fmt.Fprintf(w, "\ndemo app %q (secret valid for this run only):\n", c.Demo.App)
		fmt.Fprintf(w, "  TOKEN=$(curl -s -u %s:%s -d grant_type=client_credentials http://%s%s | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')\n",
			c.Demo.App, demoSecret, web, c.Auth.TokenPath)
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $TOKEN\" http://%s/private/\n", web)
	}
	fmt.Fprintln(w)
}

func firstHTTP(srv *server.Server, c *config.Config) string {
	for _, l := range c.Listeners {
		if l.Protocol == "http" {
			return srv.Gateway.Addr(l.Name)
		}
	}
	return ""
}

// demoWebSocket reports whether every target of service is a demo WebSocket backend.
func demoWebSocket(c *config.Config, service string) bool {
	for _, s := range c.Services {
		if s.Name != service || len(s.Targets) == 0 {
			continue
		}
		for _, t := range s.Targets {
			if !slices.Contains(c.Demo.WebSocket, t.Addr) {
				return false
			}
		}
		return true
	}
	return false
}
