package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"gatewaylab/07-middleware/secret"
)

// appsYAML is a gateway with app "shop" (secret appSecret), the keys and auth block
// given, a route /jwt that takes JWTs for audience "orders" and, when withApps, a
// route /apps that takes app tokens.
func appsYAML(t *testing.T, up *target, auth string, withApps bool) string {
	t.Helper()
	yaml := `
admin: {listen: "127.0.0.1:0"}
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
auth: ` + auth + `
services: [{name: api, targets: ` + targetsYAML(up) + `}]
routes:
  - {name: jwt, path_prefix: /jwt, service: api, middleware: {auth: {jwt: {audience: orders}}}}
`
	if withApps {
		yaml += `  - {name: apps, path_prefix: /apps, service: api, middleware: {auth: {apps: {}}}}
apps: [{id: shop, secret_hash: "` + secret.Hash(appSecret) + `", qps: 100}]
`
	}
	return yaml
}

// appSecret is app shop's client secret in these tests.
const appSecret = "shop-secret-for-the-settings-tests"

// requestToken asks the token endpoint at url for an app token (client credentials).
func requestToken(t *testing.T, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url,
		strings.NewReader("grant_type=client_credentials"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("shop", appSecret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if res.StatusCode == http.StatusOK {
		if err := json.NewDecoder(res.Body).Decode(&answer); err != nil {
			t.Fatalf("token answer: %v", err)
		}
	}
	return res.StatusCode, answer.AccessToken
}

// getWithToken sends GET url with a bearer token and returns the status.
func getWithToken(t *testing.T, url, token string) int {
	t.Helper()
	res, _ := fetch(t, url, bearer(token))
	return res.StatusCode
}

// TestTokenPath: auth.token_path is where the client-credentials endpoint is served;
// the default path is then an ordinary path (no route: 404).
func TestTokenPath(t *testing.T) {
	up := startTarget(t, "up")
	s := startServer(t, appsYAML(t, up,
		`{token_path: /auth/v2/token, jwt: {keys: [{id: k1, algorithm: HS256, generate: true}]}}`, true))
	web := "http://" + s.Gateway.Addr("web")
	code, token := requestToken(t, web+"/auth/v2/token")
	if code != 200 || token == "" {
		t.Fatalf("token endpoint at token_path: %d", code)
	}
	if code := getWithToken(t, web+"/apps/x", token); code != 200 {
		t.Errorf("the token from token_path opens the apps route with %d, want 200", code)
	}
	if code, _ := requestToken(t, web+"/oauth/tokens"); code != http.StatusNotFound {
		t.Errorf("the default token path answers %d, want 404 once token_path moved it", code)
	}
}

// jwtKeyCase is one way of giving auth.jwt.keys a key.
type jwtKeyCase struct {
	name   string
	key    string // the key's YAML, with the files written
	method jwt.SigningMethod
	sign   any // signs client tokens the gateway must accept
	wrong  any // signs client tokens the gateway must refuse
	// verify checks the app tokens the gateway signs; nil for a verification-only key
	// (public_key_file), which cannot sign.
	verify any
}

// TestJWTKeyFiles: auth.jwt.keys[].secret_file, private_key_file and public_key_file
// load the key the gateway verifies JWTs with (and, except for a public key, signs
// app tokens with).
func TestJWTKeyFiles(t *testing.T) {
	for _, tc := range jwtKeyCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			up := startTarget(t, "up")
			s := startServer(t, appsYAML(t, up, `{jwt: {keys: [`+tc.key+`]}}`, tc.verify != nil))
			web := "http://" + s.Gateway.Addr("web")
			if code := getWithToken(t, web+"/jwt/x", clientToken(t, tc.method, tc.sign)); code != 200 {
				t.Errorf("token signed with the configured key: %d, want 200", code)
			}
			if code := getWithToken(t, web+"/jwt/x", clientToken(t, tc.method, tc.wrong)); code != 401 {
				t.Errorf("token signed with another key: %d, want 401", code)
			}
			if tc.verify == nil {
				return
			}
			code, token := requestToken(t, web+"/oauth/tokens")
			if code != 200 {
				t.Fatalf("token endpoint: %d", code)
			}
			parsed, err := jwt.Parse(token, func(*jwt.Token) (any, error) { return tc.verify, nil },
				jwt.WithValidMethods([]string{tc.method.Alg()}))
			if err != nil {
				t.Fatalf("the app token is not signed with the configured key: %v", err)
			}
			if kid := parsed.Header["kid"]; kid != "k1" {
				t.Errorf("app token kid %v, want k1", kid)
			}
		})
	}
}

// clientToken is a JWT a client of route /jwt would present, signed with key.
func clientToken(t *testing.T, method jwt.SigningMethod, key any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, jwt.MapClaims{
		"iss": "gatewaylab", "aud": "orders", "sub": "alice",
		"exp": time.Now().Add(time.Minute).Unix(),
	})
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// jwtKeyCases writes a key of every kind to a file and returns the cases.
func jwtKeyCases(t *testing.T) []jwtKeyCase {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pemFile := func(name, typ string, der []byte) string {
		return write(name, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	hsSecret := []byte("a-shared-secret-of-32-bytes-or-more")
	// A trailing newline, as editors and `echo` leave it, is not part of the secret.
	secretFile := write("hs256.secret", append(append([]byte{}, hsSecret...), '\n'))

	ec, otherEC := ecKey(t), ecKey(t)
	sec1, err := x509.MarshalECPrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	pkix, err := x509.MarshalPKIXPublicKey(ec.Public())
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, otherRSA := rsaKey(t), rsaKey(t)
	return []jwtKeyCase{
		{
			name:   "secret_file HS256",
			key:    fmt.Sprintf(`{id: k1, algorithm: HS256, secret_file: %q}`, secretFile),
			method: jwt.SigningMethodHS256, sign: hsSecret, wrong: []byte("another-shared-secret-of-32-bytes!!"),
			verify: hsSecret,
		},
		{
			name:   "private_key_file ES256 (SEC 1)",
			key:    fmt.Sprintf(`{id: k1, algorithm: ES256, private_key_file: %q}`, pemFile("ec.pem", "EC PRIVATE KEY", sec1)),
			method: jwt.SigningMethodES256, sign: ec, wrong: otherEC, verify: ec.Public(),
		},
		{
			name: "private_key_file RS256 (PKCS #1)",
			key: fmt.Sprintf(`{id: k1, algorithm: RS256, private_key_file: %q}`,
				pemFile("rsa.pem", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey))),
			method: jwt.SigningMethodRS256, sign: rsaKey, wrong: otherRSA, verify: rsaKey.Public(),
		},
		{
			name:   "public_key_file ES256",
			key:    fmt.Sprintf(`{id: k1, algorithm: ES256, public_key_file: %q}`, pemFile("ec.pub.pem", "PUBLIC KEY", pkix)),
			method: jwt.SigningMethodES256, sign: ec, wrong: otherEC,
		},
	}
}

func ecKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
