package config

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// TLSConfig returns the TLS settings for a connection to a server whose
// certificate is signed by the system's CAs or by those in caFile (for an
// organisation's private CA). Certificates are always verified.
func TLSConfig(key, caFile string) (*tls.Config, error) {
	if caFile == "" {
		return nil, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("config: %s: %w", key, err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("config: %s: no PEM certificate in %s", key, caFile)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}
