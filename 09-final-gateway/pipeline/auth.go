package pipeline

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"gatewaylab/07-middleware/apikey"
	"gatewaylab/07-middleware/apps"
	"gatewaylab/07-middleware/jwtauth"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/09-final-gateway/config"
)

// appAudience is the audience of app tokens: they are good for routes that require
// apps, not for routes that check JWTs from another issuer's audience.
const appAudience = "gatewaylab-apps"

// auth is the per-configuration authentication state: keys, the app registry, and the
// token endpoint.
type auth struct {
	keys     []jwtauth.Key // verification keys
	signing  *jwtauth.SigningKey
	issuer   string
	apps     *apps.Registry
	gate     *apps.Gate
	appsV    *jwtauth.Verifier // app tokens
	apiKeys  []apikey.Key
	token    http.Handler // the client-credentials endpoint; nil without apps
	signer   *jwtauth.Signer
	tokenURL string
}

// generated keeps "generate: true" keys for the life of the process: a reload must not
// invalidate every token issued so far.
var generated sync.Map // key id -> jwtauth.Key with its private part in signing

type genKey struct {
	verify jwtauth.Key
	sign   jwtauth.SigningKey
}

func (s *Shared) buildAuth(cfg *config.Config) (*auth, error) {
	a := &auth{issuer: cfg.Auth.JWT.Issuer, tokenURL: cfg.Auth.TokenPath}
	for i, kc := range cfg.Auth.JWT.Keys {
		verify, sign, err := loadKey(kc)
		if err != nil {
			return nil, fmt.Errorf("auth.jwt.keys[%d] (%s): %w", i, kc.ID, err)
		}
		a.keys = append(a.keys, verify)
		if a.signing == nil && sign != nil {
			a.signing = sign
		}
	}
	for _, k := range cfg.Auth.APIKeys {
		a.apiKeys = append(a.apiKeys, apikey.Key{Name: k.ID, App: k.App, Hash: k.KeyHash})
	}
	if len(cfg.Apps) > 0 {
		if err := s.buildApps(cfg, a); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (s *Shared) buildApps(cfg *config.Config, a *auth) error {
	list := make([]apps.App, len(cfg.Apps))
	for i, ac := range cfg.Apps {
		list[i] = apps.App{ID: ac.ID, Name: ac.Name, SecretHash: ac.SecretHash, QPS: ac.QPS,
			Burst: ac.Burst, DailyQuota: ac.DailyQuota, AllowedIPs: ac.AllowedIPs}
	}
	reg, err := apps.NewRegistry(list)
	if err != nil {
		return fmt.Errorf("apps: %w", err)
	}
	limiter := s.appLimiter()
	gate, err := apps.NewGate(apps.GateConfig{Registry: reg, Limiter: limiter, Quota: s.Quota, Calendar: s.Cal})
	if err != nil {
		return fmt.Errorf("apps: %w", err)
	}
	a.apps, a.gate = reg, gate
	if a.signing == nil {
		return errors.New("apps need a signing key in auth.jwt.keys (HS256 secret, a private key, or generate)")
	}
	if a.appsV, err = jwtauth.NewVerifier(jwtauth.VerifierConfig{Keys: a.keys, Issuer: a.issuer, Audience: appAudience}); err != nil {
		return fmt.Errorf("apps: %w", err)
	}
	signer, err := jwtauth.NewSigner(jwtauth.SignerConfig{Key: *a.signing, Issuer: a.issuer,
		Audience: appAudience, TTL: cfg.Auth.TokenTTL.D()})
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	a.signer = signer
	a.token, err = apps.NewTokenHandler(apps.TokenConfig{Registry: reg, Signer: signer})
	return err
}

// appLimiter is where apps' QPS buckets live: Redis when the cluster has it (an app's
// QPS is for the whole cluster), else this process.
func (s *Shared) appLimiter() ratelimit.Limiter {
	if l, err := s.clusterLimiter("open"); err == nil {
		return l
	}
	return s.Local
}

// loadKey reads one configured key; sign is nil for a verification-only key.
func loadKey(kc config.JWTKey) (verify jwtauth.Key, sign *jwtauth.SigningKey, err error) {
	verify = jwtauth.Key{ID: kc.ID, Algorithm: kc.Algorithm}
	switch {
	case kc.Generate:
		g, err := generatedKey(kc)
		if err != nil {
			return verify, nil, err
		}
		return g.verify, &g.sign, nil
	case kc.SecretEnv != "":
		v := os.Getenv(kc.SecretEnv)
		if v == "" {
			return verify, nil, fmt.Errorf("environment variable %s is empty", kc.SecretEnv)
		}
		verify.Secret = []byte(v)
	case kc.SecretFile != "":
		b, err := os.ReadFile(kc.SecretFile)
		if err != nil {
			return verify, nil, err
		}
		verify.Secret = []byte(strings.TrimSpace(string(b)))
	}
	if verify.Secret != nil {
		return verify, &jwtauth.SigningKey{ID: kc.ID, Algorithm: kc.Algorithm, Secret: verify.Secret}, nil
	}
	return loadKeyFiles(kc, verify)
}

func loadKeyFiles(kc config.JWTKey, verify jwtauth.Key) (jwtauth.Key, *jwtauth.SigningKey, error) {
	if kc.PrivateKeyFile != "" {
		priv, err := readPrivateKey(kc.PrivateKeyFile)
		if err != nil {
			return verify, nil, err
		}
		verify.PublicKey = priv.Public()
		return verify, &jwtauth.SigningKey{ID: kc.ID, Algorithm: kc.Algorithm, PrivateKey: priv}, nil
	}
	b, err := os.ReadFile(kc.PublicKeyFile)
	if err != nil {
		return verify, nil, err
	}
	if verify.PublicKey, err = jwtauth.ParsePublicKeyPEM(b); err != nil {
		return verify, nil, fmt.Errorf("%s: %w", kc.PublicKeyFile, err)
	}
	return verify, nil, nil
}

func readPrivateKey(path string) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	var key any
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%s: not a signing key", path)
	}
	return signer, nil
}

// generatedKey makes (once per process and key id) a random key for the algorithm.
func generatedKey(kc config.JWTKey) (genKey, error) {
	if g, ok := generated.Load(kc.ID + "/" + kc.Algorithm); ok {
		return g.(genKey), nil
	}
	g := genKey{verify: jwtauth.Key{ID: kc.ID, Algorithm: kc.Algorithm}, sign: jwtauth.SigningKey{ID: kc.ID, Algorithm: kc.Algorithm}}
	switch kc.Algorithm {
	case "HS256":
		secret := make([]byte, 32)
		rand.Read(secret) // never fails (crypto/rand, Go 1.24+)
		g.verify.Secret, g.sign.Secret = secret, secret
	case "RS256":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return g, err
		}
		g.verify.PublicKey, g.sign.PrivateKey = k.Public(), k
	case "ES256":
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return g, err
		}
		g.verify.PublicKey, g.sign.PrivateKey = k.Public(), k
	}
	actual, _ := generated.LoadOrStore(kc.ID+"/"+kc.Algorithm, g)
	return actual.(genKey), nil
}
