package admin

import (
	"log/slog"
	"time"
)

// Options configure the admin handler.
type Options struct {
	// Backend is the gateway being managed. Required.
	Backend Backend
	// Token is the bearer token every API request must carry, and what the dashboard's
	// login form asks for (or a user's name and password from the configuration's
	// admin.users, read from Backend at each login). Required.
	Token string
	// Logger receives the audit log of changes (who changed what, and how it ended);
	// default slog.Default().
	Logger *slog.Logger
	// Secure marks the dashboard's session cookie Secure (the admin listener serves TLS).
	Secure bool
	// SessionTTL is how long a dashboard login lasts at most; default 8h. A session
	// also ends after 30 minutes without a request.
	SessionTTL time.Duration
}

// DefaultSessionTTL is the longest a dashboard session lasts when SessionTTL is zero.
const DefaultSessionTTL = 8 * time.Hour

// sessionIdle ends a session nobody has used for this long (a browser left open).
const sessionIdle = 30 * time.Minute
