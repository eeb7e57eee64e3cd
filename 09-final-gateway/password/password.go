// Package password hashes and checks the passwords of people who log in to the admin
// dashboard (config admin.users), with bcrypt.
//
// Why bcrypt here and SHA-256 for app secrets (stage 07's package secret): an app
// secret is 256 random bits, which no amount of guessing finds, so a fast hash is
// enough and keeps every token request cheap. A password is chosen by a person and may
// be guessed from a list; a slow, salted hash makes each guess against a leaked
// configuration file cost real CPU time. Logins are rare, so the price is paid where
// it does not hurt.
package password

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// Cost is the bcrypt cost Hash uses: about 250 ms of one core per hash on a 2020s
// server, slow for a guesser and still quick for a person logging in.
const Cost = 12

// MinCost is the lowest cost Check accepts: OWASP's floor for bcrypt. Lower costs
// (bcrypt allows 4) are for tests of bcrypt itself, not for stored passwords.
const MinCost = 10

// MaxLen is the longest password bcrypt reads: it ignores every byte after the 72nd,
// so Hash refuses longer ones instead of silently shortening them.
const MaxLen = 72

// Sentinel errors of Hash and Check.
var (
	ErrEmpty    = errors.New("password is empty")
	ErrTooLong  = fmt.Errorf("password is longer than %d bytes (bcrypt ignores the rest)", MaxLen)
	ErrNotHash  = errors.New("not a bcrypt hash")
	ErrWeakHash = fmt.Errorf("bcrypt cost is below %d", MinCost)
)

// Hash returns the bcrypt hash of pw at Cost, the form config admin.users stores.
func Hash(pw string) (string, error) {
	switch {
	case pw == "":
		return "", ErrEmpty
	case len(pw) > MaxLen:
		return "", ErrTooLong
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), Cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// Check reports whether hash is a bcrypt hash of at least MinCost.
func Check(hash string) error {
	cost, err := bcrypt.Cost([]byte(hash))
	if err != nil {
		return fmt.Errorf("%w (%v)", ErrNotHash, err)
	}
	if cost < MinCost {
		return fmt.Errorf("%w: it is %d", ErrWeakHash, cost)
	}
	return nil
}

// Matches reports whether pw is the password hash was made from. It takes as long as
// the hash's cost says, whatever pw is; a malformed hash matches nothing.
func Matches(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// Decoy takes the time of checking pw against a hash of the given cost, and matches
// nothing. A login with a name that does not exist calls it, so that it costs as much
// time as one with a wrong password: the answer's timing then does not tell which
// names exist.
func Decoy(cost int, pw string) {
	Matches(decoyHash(cost), pw)
}

// decoyHash is the decoy of cost, brought into bcrypt's range.
func decoyHash(cost int) string {
	cost = min(max(cost, MinCost), bcrypt.MaxCost)
	return fmt.Sprintf("$2a$%02d$%s", cost, decoyTail)
}

// decoyTail is the salt and digest of a bcrypt hash of a random password nobody kept.
// With any cost in front it is a well-formed hash, so a check against it runs in full
// (bcrypt hashes pw with the salt at that cost, then compares) and makes none first.
const decoyTail = "3KcAfQXdC5sjz1eAfk/TAekrrlhjEZVU93OxTmDV37KSH4P1fGCOe"

// CostOf returns the cost of hash, or Cost when it is not a bcrypt hash.
func CostOf(hash string) int {
	if c, err := bcrypt.Cost([]byte(hash)); err == nil {
		return c
	}
	return Cost
}
