package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"gatewaylab/09-final-gateway/config"
)

// Sentinel errors of the API. Handlers wrap them with context; statusOf maps them to
// an HTTP status in one place.
var (
	errNotFound      = errors.New("not found")
	errMethod        = errors.New("method not allowed")
	errExists        = errors.New("already exists")
	errInUse         = errors.New("still in use")
	errBadRequest    = errors.New("bad request")
	errUnauthorized  = errors.New("missing or invalid admin token")
	errBadLogin      = errors.New("wrong user name or password") // the same for a name that does not exist
	errForbidden     = errors.New("forbidden")
	errTooLarge      = errors.New("request body too large")
	errMediaType     = errors.New("request body must be application/json")
	errTooManyLogins = errors.New("too many failed logins; wait a minute")
	errStale         = errors.New("the configuration changed since you read it (If-Match is stale): read it again and redo the change")
	errRaced         = errors.New("the configuration changed while this change was applied: read it again and retry")
)

// FieldProblem is one invalid field in an error answer.
type FieldProblem struct {
	// Path is the field's path in the whole configuration, as `gateway check` names it
	// ("services[2].targets[0].addr").
	Path string `json:"path"`
	// Field is the path inside the item the request was about ("targets[0].addr"),
	// for forms that show a message beside its input; empty for other fields.
	Field string `json:"field,omitempty"`
	// Line is the line in the configuration file, for a reload the file refused.
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// errorBody is every error answer.
type errorBody struct {
	Error  string         `json:"error"`
	Fields []FieldProblem `json:"fields,omitempty"`
}

// invalidError is a request or a configuration refused by validation, with its
// problems located.
type invalidError struct {
	summary string // "invalid configuration", "invalid request"
	fields  []FieldProblem
	status  int // 0: 422 Unprocessable Entity
}

func (e *invalidError) Error() string {
	msgs := make([]string, len(e.fields))
	for i, f := range e.fields {
		msgs[i] = f.Message
		if f.Path != "" {
			msgs[i] = f.Path + ": " + f.Message
		}
	}
	return e.summary + ": " + strings.Join(msgs, "; ")
}

// invalid turns config validation errors into field problems. prefix is the path of
// the item the request changed ("services[3]"); its fields also get a relative Field.
func invalid(errs *config.Errors, prefix string) *invalidError {
	out := &invalidError{summary: "invalid configuration"}
	for _, fe := range errs.List {
		p := FieldProblem{Path: fe.Path, Message: fe.Msg}
		if prefix != "" {
			if rest, ok := strings.CutPrefix(fe.Path, prefix); ok && (rest == "" || rest[0] == '.') {
				p.Field = strings.TrimPrefix(rest, ".")
			}
		}
		out.fields = append(out.fields, p)
	}
	return out
}

// fieldError is a single bad body field.
func fieldError(field, format string, args ...any) *invalidError {
	msg := fmt.Sprintf(format, args...)
	return &invalidError{summary: "invalid request", fields: []FieldProblem{{Path: field, Field: field, Message: msg}}}
}

// paramError is a bad query parameter (400: the request, not the configuration, is wrong).
func paramError(name, format string, args ...any) *invalidError {
	e := fieldError(name, format, args...)
	e.status = http.StatusBadRequest
	return e
}

// statusOf maps an error to its HTTP status: the one place where errors become codes.
func statusOf(err error) int {
	var inv *invalidError
	switch {
	case errors.As(err, &inv) && inv.status != 0:
		return inv.status
	case errors.As(err, &inv):
		return http.StatusUnprocessableEntity
	case errors.Is(err, errNotFound):
		return http.StatusNotFound
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed
	case errors.Is(err, errExists), errors.Is(err, errInUse), errors.Is(err, errRaced):
		return http.StatusConflict
	case errors.Is(err, errStale):
		return http.StatusPreconditionFailed
	case errors.Is(err, errBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, errUnauthorized), errors.Is(err, errBadLogin):
		return http.StatusUnauthorized
	case errors.Is(err, errForbidden):
		return http.StatusForbidden
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, errMediaType):
		return http.StatusUnsupportedMediaType
	case errors.Is(err, errTooManyLogins):
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// bodyOf is the JSON answer for err.
func bodyOf(err error) errorBody {
	var inv *invalidError
	if errors.As(err, &inv) {
		return errorBody{Error: inv.summary, Fields: inv.fields}
	}
	return errorBody{Error: err.Error()}
}
