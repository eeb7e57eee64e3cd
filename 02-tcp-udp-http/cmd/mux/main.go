// Command mux shows how http.ServeMux (Go 1.22+ patterns) picks a handler:
// it registers the lesson's patterns, sends requests at them in memory, and
// prints what matched, then tries to register patterns that conflict.
package main

import (
	"fmt"
	"net/http"
	"os"
	"strings"

	"gatewaylab/02-tcp-udp-http/servemux"
)

func main() {
	mux, err := servemux.NewMux(servemux.LessonPatterns...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mux:", err)
		os.Exit(1)
	}
	fmt.Println("Registered patterns:")
	for _, p := range servemux.LessonPatterns {
		fmt.Println("  " + p)
	}

	fmt.Println("\nRequests and what ServeMux did (200 shows the pattern and its wildcards):")
	requests := []struct{ method, target, why string }{
		{"GET", "/items/42", "{id} matches one segment"},
		{"GET", "/items/latest", "a literal segment is more specific than {id}"},
		{"HEAD", "/items/42", "GET patterns also match HEAD"},
		{"DELETE", "/items/42", "the method picks the pattern"},
		{"POST", "/items/42", "path matches, method does not"},
		{"GET", "/files/a/b/c.txt", "{path...} takes the rest"},
		{"GET", "/static/css/site.css", "a trailing slash matches the subtree"},
		{"GET", "/static", "the subtree root without its slash"},
		{"GET", "/exact/more", "{$} matches only /exact/"},
		{"GET", "/a/../items/7", "paths are cleaned first"},
		{"GET", "http://api.example.com/items/42", "a host pattern wins for its host"},
		{"GET", "/nope", "nothing matches"},
	}
	for _, r := range requests {
		fmt.Printf("  %-6s %-32s %-44s (%s)\n", r.method, r.target, servemux.Resolve(mux, r.method, r.target), r.why)
	}

	fmt.Println("\nRegistering more patterns (ServeMux panics on these; Register returns the error):")
	for _, p := range []string{"GET /items/{name}", "/{kind}/42", "/items/{id", "POST /items/{id}"} {
		if err := servemux.Register(mux, p, http.NotFoundHandler()); err != nil {
			msg := strings.ReplaceAll(err.Error(), "\n", "\n      ")
			fmt.Printf("  %-20s rejected: %s\n", p, msg)
			continue
		}
		fmt.Printf("  %-20s accepted\n", p)
	}

	fmt.Println(`
Try next:
  go test -v -run HowServeMuxPicks ./02-tcp-udp-http/servemux
  go doc net/http.ServeMux          # the precedence rules in full`)
}
