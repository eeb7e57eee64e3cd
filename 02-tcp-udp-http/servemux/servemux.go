package servemux

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
)

// ErrRejected is wrapped by Register when ServeMux refuses a pattern,
// because it is malformed or conflicts with one already registered.
var ErrRejected = errors.New("servemux: pattern rejected")

// registeredAt matches the " (registered at file:line)" in ServeMux panics.
var registeredAt = regexp.MustCompile(` \(registered at [^)]*\)`)

// LessonPatterns are the patterns the lesson registers; the tests and the
// mux demo send requests at them.
var LessonPatterns = []string{
	"GET /items/{id}",
	"GET /items/latest",
	"DELETE /items/{id}",
	"/files/{path...}",
	"GET /static/",
	"GET /exact/{$}",
	"api.example.com/",
}

// Register adds h to mux under pattern. ServeMux panics on a bad or
// conflicting pattern; Register recovers and returns the reason as an error
// wrapping ErrRejected, so a program can report every bad route at once.
func Register(mux *http.ServeMux, pattern string, h http.Handler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			// The panic names the file:line of each registration, which is
			// always this function's mux.Handle call: noise, so drop it.
			msg := registeredAt.ReplaceAllString(fmt.Sprint(p), "")
			err = fmt.Errorf("%w: %s", ErrRejected, msg)
		}
	}()
	mux.Handle(pattern, h)
	return nil
}

// NewMux returns a mux with a Reporter registered under each pattern.
func NewMux(patterns ...string) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	for _, p := range patterns {
		if err := Register(mux, p, Reporter()); err != nil {
			return nil, err
		}
	}
	return mux, nil
}

// Reporter is a handler that answers with the pattern that matched and the
// value of each of its wildcards, e.g. "GET /items/{id} id=42".
func Reporter() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fields := []string{r.Pattern}
		for _, name := range Wildcards(r.Pattern) {
			fields = append(fields, name+"="+r.PathValue(name))
		}
		fmt.Fprint(w, strings.Join(fields, " "))
	})
}

// Wildcards returns the wildcard names in pattern, in order: "id" for
// "{id}", "path" for "{path...}". The "{$}" anchor is not a wildcard.
func Wildcards(pattern string) []string {
	var names []string
	for rest := pattern; ; {
		_, after, ok := strings.Cut(rest, "{")
		if !ok {
			return names
		}
		name, tail, ok := strings.Cut(after, "}")
		if !ok {
			return names
		}
		if name = strings.TrimSuffix(name, "..."); name != "$" {
			names = append(names, name)
		}
		rest = tail
	}
}

// Outcome is what a mux did with one request.
type Outcome struct {
	Status   int
	Body     string // the Reporter's line, when a pattern matched
	Location string // where a redirect points
	Allow    string // the methods a 405 allows
}

// String formats the outcome as one line for tables and demos.
func (o Outcome) String() string {
	switch {
	case o.Status == http.StatusOK:
		return "200 " + o.Body
	case o.Location != "":
		return fmt.Sprintf("%d redirect to %s", o.Status, o.Location)
	case o.Allow != "":
		return fmt.Sprintf("%d Allow: %s", o.Status, o.Allow)
	}
	return fmt.Sprintf("%d %s", o.Status, http.StatusText(o.Status))
}

// Resolve sends one request through h in memory and reports the outcome.
// target is a path ("/items/7") or an absolute URL, whose host becomes the
// request's Host ("http://api.example.com/items/7").
func Resolve(h http.Handler, method, target string) Outcome {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	out := Outcome{Status: rec.Code, Location: rec.Header().Get("Location"), Allow: rec.Header().Get("Allow")}
	if rec.Code == http.StatusOK {
		out.Body = rec.Body.String()
	}
	return out
}
