package server

import (
	"crypto/tls"

	"google.golang.org/grpc/credentials"
)

func credentialsFor(conf *tls.Config) credentials.TransportCredentials {
	return credentials.NewTLS(conf)
}
