package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"gatewaylab/09-final-gateway/config"
)

// edit changes a copy of the configuration. It returns the path of the item it
// changed ("services[3]"), so that validation problems of that item also name its
// fields relative to it, for the form that edits it. An edit replaces every list it
// changes with a new one: the copy shares the rest with the configuration being served.
type edit func(cfg *config.Config) (item string, err error)

// change is how every write works: read the configuration, copy it, edit the copy,
// and Apply it on condition that it is still the version read (or the client's
// If-Match version). Two writers at once get a conflict, never a lost update; nothing
// retries behind the client's back.
func (a *api) change(r *http.Request, c *call, fn edit) error {
	cfg, version := a.backend.Config()
	want, err := ifMatch(r)
	if err != nil {
		return err
	}
	if want != "" && want != version {
		return errStale
	}
	next := *cfg
	item, err := fn(&next)
	if err != nil {
		return err
	}
	v, err := a.backend.Apply(r.Context(), &next, version)
	var cerrs *config.Errors
	switch {
	case errors.Is(err, ErrConflict) && want != "":
		return errStale
	case errors.Is(err, ErrConflict):
		return errRaced
	case errors.As(err, &cerrs):
		return invalid(cerrs, item)
	case err != nil:
		return fmt.Errorf("apply: %w", err)
	}
	c.version = v
	return nil
}

// ifMatch returns the version named by the If-Match header, or "" when there is none
// (or "*", which any version matches).
func ifMatch(r *http.Request) (string, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return "", nil
	}
	if strings.Contains(h, ",") {
		return "", fmt.Errorf("%w: If-Match must name one version", errBadRequest)
	}
	return strings.Trim(strings.TrimPrefix(h, "W/"), `"`), nil
}

// setVersion sends the configuration version as the answer's ETag.
func setVersion(w http.ResponseWriter, version string) {
	if version != "" {
		w.Header().Set("ETag", `"`+version+`"`)
	}
}
