package admin

import (
	"errors"
	"net/http"
)

// New returns the admin API and dashboard handler. (Stub until the API lands.)
func New(opts Options) (http.Handler, error) {
	if opts.Backend == nil || opts.Token == "" {
		return nil, errors.New("admin: Backend and Token are required")
	}
	return http.NotFoundHandler(), nil
}
