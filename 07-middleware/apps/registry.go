// Package apps is tenants (租户): applications that call the gateway's services with
// their own credentials, rate limit, daily quota and allowed networks, as in the
// course's gateway_app table and its POST /oauth/tokens endpoint.
//
// The flow is OAuth 2.0 client credentials (RFC 6749 section 4.4): an app sends its id
// and secret with HTTP Basic to the token endpoint and gets a short-lived JWT; it then
// calls services with "Authorization: Bearer <jwt>", and the middleware maps the token
// back to the app and enforces the app's limits. The course stored secrets in plain
// text (defaulting to md5(app_id)), compared them with ==, signed with a key in the
// source and kept serving tokens of deleted apps until a restart; none of that here.
package apps

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sync/atomic"

	"gatewaylab/07-middleware/ipfilter"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/07-middleware/secret"
)

// App is one tenant as configured.
type App struct {
	// ID is the client id: 1-64 of A-Z a-z 0-9 _ . -. Required.
	ID string
	// Name is for people.
	Name string
	// SecretHash is secret.Hash of the app's secret. Required.
	SecretHash string
	// QPS is the app's sustained request rate, over all its clients (0: unlimited).
	QPS float64
	// Burst is how many requests may arrive at once (default: QPS rounded up).
	Burst int
	// DailyQuota is the number of requests per day (0: unlimited).
	DailyQuota int64
	// AllowedIPs, if set, are the only client networks the app may call from (CIDRs).
	AllowedIPs []string
}

// entry is an App checked and prepared for requests.
type entry struct {
	App
	digest  [sha256.Size]byte
	policy  ratelimit.Policy // zero when unlimited
	allowed *ipfilter.Filter // nil when anywhere
}

var validID = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

func compile(a App) (*entry, error) {
	if !validID.MatchString(a.ID) {
		return nil, fmt.Errorf("app ID %q: want 1-64 of A-Z a-z 0-9 _ . -", a.ID)
	}
	e := &entry{App: a}
	var err error
	if e.digest, err = secret.ParseHash(a.SecretHash); err != nil {
		return nil, fmt.Errorf("app %s: SecretHash: %w", a.ID, err)
	}
	if a.QPS < 0 || a.DailyQuota < 0 || a.Burst < 0 {
		return nil, fmt.Errorf("app %s: QPS, Burst and DailyQuota must not be negative", a.ID)
	}
	if a.QPS > 0 {
		e.policy = ratelimit.Policy{Rate: a.QPS, Burst: a.Burst}
		if e.policy.Burst == 0 {
			e.policy.Burst = int(math.Ceil(a.QPS))
		}
	}
	if len(a.AllowedIPs) > 0 {
		if e.allowed, err = ipfilter.NewFilter(a.AllowedIPs, nil); err != nil {
			return nil, fmt.Errorf("app %s: AllowedIPs: %w", a.ID, err)
		}
	}
	return e, nil
}

// Registry holds the apps. Lookups read an immutable snapshot; Replace swaps in a new
// one atomically (hot reload), so an app deleted from config stops working at once,
// tokens already issued included.
type Registry struct {
	snap atomic.Pointer[map[string]*entry]
}

// NewRegistry validates apps and returns a Registry holding them.
func NewRegistry(apps []App) (*Registry, error) {
	r := &Registry{}
	if err := r.Replace(apps); err != nil {
		return nil, err
	}
	return r, nil
}

// Replace validates apps and makes them the registry's content. On error the old
// content stays.
func (r *Registry) Replace(apps []App) error {
	m := make(map[string]*entry, len(apps))
	for _, a := range apps {
		e, err := compile(a)
		if err != nil {
			return fmt.Errorf("apps: %w", err)
		}
		if _, dup := m[a.ID]; dup {
			return fmt.Errorf("apps: duplicate ID %q", a.ID)
		}
		m[a.ID] = e
	}
	r.snap.Store(&m)
	return nil
}

func (r *Registry) get(id string) (*entry, bool) {
	e, ok := (*r.snap.Load())[id]
	return e, ok
}

// Lookup returns the app with id.
func (r *Registry) Lookup(id string) (App, bool) {
	e, ok := r.get(id)
	if !ok {
		return App{}, false
	}
	return e.App, true
}

// ErrInvalidClient reports an unknown app id or a wrong secret; the two are not told
// apart, to callers or in timing beyond the map lookup.
var ErrInvalidClient = errors.New("invalid client credentials")

// dummy is compared against when the id is unknown, so both paths hash and compare.
var dummy = sha256.Sum256([]byte("no such app"))

// Authenticate checks an app's secret in constant time.
func (r *Registry) Authenticate(id, presented string) (App, error) {
	e, ok := r.get(id)
	digest := dummy
	if ok {
		digest = e.digest
	}
	if !secret.Matches(digest, presented) || !ok {
		return App{}, ErrInvalidClient
	}
	return e.App, nil
}
