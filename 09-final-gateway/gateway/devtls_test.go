package gateway

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"gatewaylab/09-final-gateway/config"
)

// TestDevTLSDir: the directory of a tls.dev listener's files is stable for one
// listener, different for listeners of the same name on different addresses (two
// gateways on one machine), and under a private per-user parent that is refused when
// someone else could have planted it.
func TestDevTLSDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	parent := filepath.Join(tmp, fmt.Sprintf("gatewaylab-dev-tls-%d", os.Getuid()))
	a := config.Listener{Name: "secure", Listen: "127.0.0.1:8443"}
	b := config.Listener{Name: "secure", Listen: "[::1]:9443"}

	dirA, err := devTLSDir(a)
	if err != nil {
		t.Fatal(err)
	}
	again, err := devTLSDir(a)
	if err != nil {
		t.Fatal(err)
	}
	dirB, err := devTLSDir(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(parent, "secure-127.0.0.1_8443"); dirA != want || again != dirA {
		t.Errorf("dirs %s, %s; want %s both times", dirA, again, want)
	}
	if dirB == dirA || filepath.Dir(dirB) != parent {
		t.Errorf("a listener of the same name on another address got %s (first: %s)", dirB, dirA)
	}
	for _, d := range []string{parent, dirA} {
		if st, err := os.Stat(d); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v, %v; want mode 0700", d, st.Mode(), err)
		}
	}

	t.Run("a parent others can write is refused", func(t *testing.T) {
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp)
		planted := filepath.Join(tmp, fmt.Sprintf("gatewaylab-dev-tls-%d", os.Getuid()))
		if err := os.Mkdir(planted, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(planted, 0o777); err != nil {
			t.Fatal(err)
		}
		if _, err := devTLSDir(a); err == nil {
			t.Error("a world-writable parent was used")
		}
	})
	t.Run("a link as the parent is refused", func(t *testing.T) {
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp)
		elsewhere := filepath.Join(tmp, "elsewhere")
		if err := os.Mkdir(elsewhere, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(elsewhere, filepath.Join(tmp, fmt.Sprintf("gatewaylab-dev-tls-%d", os.Getuid()))); err != nil {
			t.Fatal(err)
		}
		if _, err := devTLSDir(a); err == nil {
			t.Error("a symbolic link was followed")
		}
	})
}
