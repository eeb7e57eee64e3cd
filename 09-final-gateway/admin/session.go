package admin

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"gatewaylab/09-final-gateway/config"
)

// session is one dashboard login.
type session struct {
	// csrf is the token every change made with this session's cookie must repeat in
	// the X-CSRF-Token header. A page on another origin (even another port of the same
	// host, which SameSite does not tell apart) cannot read it.
	csrf    string
	who     string // for the audit log: "session 1a2b3c4d", never the cookie itself
	created time.Time
	seen    time.Time
	// user is the admin.users name the session logged in as ("" for the admin token),
	// and userHash the password hash it logged in with: when the configuration no
	// longer has that pair (user removed, password changed) the session ends.
	user, userHash string
}

// sessions keeps the dashboard logins in memory: a restart logs everybody out, which
// is what an operator expects of a process that also changed its token. There is no
// background goroutine; expired sessions are dropped when met and at each login.
type sessions struct {
	mu    sync.Mutex
	byKey map[[sha256.Size]byte]*session // keyed by a hash of the cookie value
	ttl   time.Duration
	idle  time.Duration
	max   int
	now   func() time.Time
}

// maxSessions bounds memory if a script logs in in a loop; the oldest session goes.
const maxSessions = 1000

func newSessions(ttl time.Duration) *sessions {
	return &sessions{byKey: map[[sha256.Size]byte]*session{}, ttl: ttl, idle: sessionIdle,
		max: maxSessions, now: time.Now}
}

// create starts a session for a user (nil: the admin token) and returns the cookie
// value that names it.
func (s *sessions) create(user *config.AdminUser) (id string, sess *session) {
	id = rand.Text() // 128 random bits
	now := s.now()
	key := sha256.Sum256([]byte(id))
	sess = &session{csrf: rand.Text(), who: "session " + hex.EncodeToString(key[:4]), created: now, seen: now}
	if user != nil {
		sess.user, sess.userHash = user.Name, user.PasswordHash
		sess.who = fmt.Sprintf("user %s (%s)", user.Name, sess.who)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	s.byKey[key] = sess
	return id, sess
}

// get returns the live session named by id and marks it used.
func (s *sessions) get(id string) (*session, bool) {
	key := sha256.Sum256([]byte(id))
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byKey[key]
	if !ok {
		return nil, false
	}
	if s.expired(sess, now) {
		delete(s.byKey, key)
		return nil, false
	}
	sess.seen = now
	return sess, true
}

// expires is when sess ends if it is not used again.
func (s *sessions) expires(sess *session) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	end, idle := sess.created.Add(s.ttl), sess.seen.Add(s.idle)
	if idle.Before(end) {
		return idle
	}
	return end
}

func (s *sessions) delete(id string) {
	key := sha256.Sum256([]byte(id))
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byKey, key)
}

func (s *sessions) expired(sess *session, now time.Time) bool {
	return !now.Before(sess.created.Add(s.ttl)) || !now.Before(sess.seen.Add(s.idle))
}

// sweep drops expired sessions, then the oldest ones beyond the bound. s.mu is held.
func (s *sessions) sweep(now time.Time) {
	var oldestKey [sha256.Size]byte
	var oldest *session
	for key, sess := range s.byKey {
		if s.expired(sess, now) {
			delete(s.byKey, key)
			continue
		}
		if oldest == nil || sess.created.Before(oldest.created) {
			oldestKey, oldest = key, sess
		}
	}
	if len(s.byKey) >= s.max && oldest != nil {
		delete(s.byKey, oldestKey)
	}
}

// throttle refuses logins after too many failures in a minute, so that a weak admin
// token cannot be guessed through the login form. It counts failures only: a correct
// token is never slowed down unless an attack is under way, and bearer calls by
// scripts are not throttled.
type throttle struct {
	mu       sync.Mutex
	max      int
	per      time.Duration
	start    time.Time
	failures int
	now      func() time.Time
}

func newThrottle(max int, per time.Duration) *throttle {
	return &throttle{max: max, per: per, now: time.Now}
}

// blocked reports whether logins are refused now.
func (t *throttle) blocked() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.roll()
	return t.failures >= t.max
}

// failed counts one failed login.
func (t *throttle) failed() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.roll()
	t.failures++
}

// roll starts a new window when the current one is over. t.mu is held.
func (t *throttle) roll() {
	if now := t.now(); now.Sub(t.start) >= t.per {
		t.start, t.failures = now, 0
	}
}
