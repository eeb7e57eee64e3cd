// Command funcs walks through "functions are first-class" (函数是一等公民):
// function values, method values, closures, the HandlerFunc adapter (ours and
// net/http's side by side) and middleware, each driven with httptest.
package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"gatewaylab/02-tcp-udp-http/firstclass"
)

func main() {
	fmt.Println("1. A function is a value: store it, pass it, call it later.")
	var f func(http.ResponseWriter, *http.Request) = firstclass.Hello
	fmt.Printf("   f has type %T\n", f)

	fmt.Println("2. A function type can have methods. HandlerFunc(f) converts f; it does not call it.")
	show("   firstclass.HandlerFunc(Hello)", firstclass.HandlerFunc(firstclass.Hello))
	show("   http.HandlerFunc(Hello)      ", http.HandlerFunc(firstclass.Hello))
	fmt.Println("   Both types are `func(http.ResponseWriter, *http.Request)` with ServeHTTP calling f(w, r).")

	fmt.Println("3. A method value carries its receiver.")
	show("   HandlerFunc(Greeter{...}.Greet)", firstclass.HandlerFunc(firstclass.Greeter{Greeting: "nice to meet you"}.Greet))

	fmt.Println("4. A closure keeps the variables it captured.")
	counter := firstclass.Counter()
	for range 3 {
		show("   counter", counter)
	}

	fmt.Println("5. A middleware takes a handler and returns one: the onion (洋葱模型).")
	show("   Chain(Hello, Trace(\"log\"), Trace(\"auth\"))",
		firstclass.Chain(firstclass.HandlerFunc(firstclass.Hello), firstclass.Trace("log"), firstclass.Trace("auth")))

	fmt.Println(`Try next:
  go doc net/http.HandlerFunc               # the same two lines as firstclass.HandlerFunc
  go test -v -run Functions ./02-tcp-udp-http/firstclass
  go run ./02-tcp-udp-http/cmd/mux          # how ServeMux picks among handlers`)
}

// show sends GET /demo through h and prints the response body.
func show(label string, h http.Handler) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/demo", nil))
	body := strings.TrimSuffix(rec.Body.String(), "\n")
	fmt.Printf("%s -> %s\n", label, strings.ReplaceAll(body, "\n", " | "))
}
