package admin

import (
	"context"
	"fmt"

	"gatewaylab/09-final-gateway/config"
	"gatewaylab/09-final-gateway/password"
)

// maxHashing bounds the bcrypt checks running at once. Each takes tens to hundreds of
// milliseconds of a core by design; without a bound, a burst of logins would take every
// core from the gateway before the failure throttle has counted any of them.
const maxHashing = 2

// userLogin checks a user name and password against admin.users, as read now from the
// configuration being served (a reload that adds or removes a user applies to the next
// login). A name that does not exist costs a bcrypt check too (a decoy of the same
// cost), and fails with the same error as a wrong password, so neither the answer nor
// its timing tells which names exist.
func (a *api) userLogin(ctx context.Context, name, pw string) (*config.AdminUser, error) {
	select {
	case a.hashing <- struct{}{}:
		defer func() { <-a.hashing }()
	case <-ctx.Done():
		return nil, fmt.Errorf("login: %w", ctx.Err())
	}
	// Checked after the wait: logins queued behind an attack are refused at once
	// instead of each spending a bcrypt check.
	if a.logins.blocked() {
		return nil, errTooManyLogins
	}
	cfg, _ := a.backend.Config()
	user := findUser(cfg.Admin.Users, name)
	if user == nil {
		password.Decoy(decoyCost(cfg.Admin.Users), pw)
		return nil, errBadLogin
	}
	if !password.Matches(user.PasswordHash, pw) {
		return nil, errBadLogin
	}
	return user, nil
}

// findUser returns the user called name, or nil. Its own time (nanoseconds) is lost
// in the bcrypt check's that follows.
func findUser(users []config.AdminUser, name string) *config.AdminUser {
	for i := range users {
		if users[i].Name == name {
			return &users[i]
		}
	}
	return nil
}

// decoyCost is the bcrypt cost a check for an unknown name must take: that of the
// configured users' hashes (the first one's; `gateway hash-password` makes them alike).
func decoyCost(users []config.AdminUser) int {
	if len(users) == 0 {
		return password.Cost
	}
	return password.CostOf(users[0].PasswordHash)
}

// sessionUserValid reports whether the user a session logged in as still exists with
// the password it logged in with. Token sessions are always valid here.
func (a *api) sessionUserValid(sess *session) bool {
	if sess.user == "" {
		return true
	}
	cfg, _ := a.backend.Config()
	u := findUser(cfg.Admin.Users, sess.user)
	return u != nil && u.PasswordHash == sess.userHash
}
