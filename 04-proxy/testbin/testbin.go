// Package testbin finds the external programs that tests run for real (redis-server,
// chromium, ...). Outside CI a missing program skips the test with a hint on how to
// install it; with CI=true it fails the test, because a CI run that silently skips its
// real-server tests proves nothing.
package testbin

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run under CI (the CI environment variable is "true").
func InCI() bool { return os.Getenv("CI") == "true" }

// Require returns the path of the program name, or ends the test: Fatal in CI, Skip
// elsewhere. hint says how to install it, e.g. "apt-get install redis-server".
func Require(tb testing.TB, name, hint string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if InCI() {
		tb.Fatalf("%s not found (CI=true, so this is a failure, not a skip); install it: %s", name, hint)
		return ""
	}
	tb.Skipf("%s not found; install it to run this test: %s", name, hint)
	return ""
}
