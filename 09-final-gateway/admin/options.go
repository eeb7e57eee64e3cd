package admin

import "log/slog"

// Options configure the admin handler.
type Options struct {
	// Backend is the gateway being managed. Required.
	Backend Backend
	// Token is the bearer token every API request must carry. Required.
	Token string
	// Logger receives the audit log of changes (who changed what); default slog.Default().
	Logger *slog.Logger
	// Secure marks the dashboard's session cookie Secure (the admin listener serves TLS).
	Secure bool
}
