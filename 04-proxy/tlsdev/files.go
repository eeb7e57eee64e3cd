package tlsdev

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
)

// Files are the paths WriteFiles wrote.
type Files struct {
	CACert, Cert, Key string
}

// WriteFiles writes ca's certificate and cert (chain and private key) as PEM files into
// dir, the key readable by the owner only. It is how a development gateway hands curl
// the CA to trust (curl --cacert Files.CACert).
func WriteFiles(dir string, ca *CA, cert tls.Certificate) (Files, error) {
	f := Files{
		CACert: filepath.Join(dir, "dev-ca.pem"),
		Cert:   filepath.Join(dir, "dev-cert.pem"),
		Key:    filepath.Join(dir, "dev-key.pem"),
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		return Files{}, fmt.Errorf("marshal private key: %w", err)
	}
	var chain []byte
	for _, der := range cert.Certificate {
		chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	writes := []struct {
		path string
		data []byte
		mode os.FileMode
	}{
		{f.CACert, ca.CertPEM(), 0o644},
		{f.Cert, chain, 0o644},
		{f.Key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600},
	}
	for _, w := range writes {
		if err := os.WriteFile(w.path, w.data, w.mode); err != nil {
			return Files{}, fmt.Errorf("write %s: %w", w.path, err)
		}
	}
	return f, nil
}
