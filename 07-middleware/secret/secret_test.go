package secret_test

import (
	"errors"
	"testing"

	"gatewaylab/07-middleware/secret"
)

func TestGenerateIsRandomAndLong(t *testing.T) {
	a, b := secret.Generate(), secret.Generate()
	if a == b || len(a) != 43 {
		t.Errorf("Generate() = %q, %q; want two different 43-character secrets", a, b)
	}
}

func TestHashRoundTrip(t *testing.T) {
	s := secret.Generate()
	d, err := secret.ParseHash(secret.Hash(s))
	if err != nil {
		t.Fatal(err)
	}
	if !secret.Matches(d, s) {
		t.Error("secret does not match its own hash")
	}
	if secret.Matches(d, s+"x") || secret.Matches(d, "") {
		t.Error("a different secret matched")
	}
}

func TestParseHashRejects(t *testing.T) {
	for _, h := range []string{"", "plaintext-secret", "sha256:abc", "md5:" + secret.Hash("x")[7:], "sha256:" + string(make([]byte, 64))} {
		if _, err := secret.ParseHash(h); !errors.Is(err, secret.ErrBadHash) {
			t.Errorf("ParseHash(%q) = %v; want ErrBadHash", h, err)
		}
	}
}
