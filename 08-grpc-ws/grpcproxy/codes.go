package grpcproxy

import (
	"net/http"

	"google.golang.org/grpc/codes"

	"gatewaylab/04-proxy/proxyerr"
)

// httpStatus is the HTTP status nearest to each gRPC code, as in the table of
// google/rpc/code.proto (the mapping grpc-gateway and Envoy use). Canceled is nginx's
// 499, as in package proxyerr: the client gave up, the target is not to blame.
var httpStatus = [...]int{
	codes.OK:                 http.StatusOK,
	codes.Canceled:           proxyerr.StatusClientClosedRequest,
	codes.Unknown:            http.StatusInternalServerError,
	codes.InvalidArgument:    http.StatusBadRequest,
	codes.DeadlineExceeded:   http.StatusGatewayTimeout,
	codes.NotFound:           http.StatusNotFound,
	codes.AlreadyExists:      http.StatusConflict,
	codes.PermissionDenied:   http.StatusForbidden,
	codes.ResourceExhausted:  http.StatusTooManyRequests,
	codes.FailedPrecondition: http.StatusBadRequest,
	codes.Aborted:            http.StatusConflict,
	codes.OutOfRange:         http.StatusBadRequest,
	codes.Unimplemented:      http.StatusNotImplemented,
	codes.Internal:           http.StatusInternalServerError,
	codes.Unavailable:        http.StatusServiceUnavailable,
	codes.DataLoss:           http.StatusInternalServerError,
	codes.Unauthenticated:    http.StatusUnauthorized,
}

// HTTPStatus returns the HTTP status nearest to code (Unavailable is 503,
// DeadlineExceeded 504, ...), which is what a balancer's Outcome and the access log
// record for gRPC calls. Codes outside the standard set give 500.
func HTTPStatus(code codes.Code) int {
	if int(code) < len(httpStatus) {
		return httpStatus[code]
	}
	return http.StatusInternalServerError
}

// CodeForHTTP returns the gRPC code for an HTTP status a middleware decided on, so
// that one decision answers both protocols with the right code: 401 Unauthenticated,
// 403 PermissionDenied, 429 ResourceExhausted, 503 Unavailable, and so on. It follows
// gRPC's own "HTTP to gRPC status code mapping" for the statuses that has, and
// code.proto for the others.
func CodeForHTTP(status int) codes.Code {
	switch status {
	case http.StatusOK:
		return codes.OK
	case http.StatusBadRequest:
		return codes.InvalidArgument
	case http.StatusUnauthorized:
		return codes.Unauthenticated
	case http.StatusForbidden:
		return codes.PermissionDenied
	case http.StatusNotFound:
		return codes.NotFound
	case http.StatusConflict:
		return codes.Aborted
	case http.StatusRequestEntityTooLarge, http.StatusTooManyRequests:
		return codes.ResourceExhausted
	case proxyerr.StatusClientClosedRequest:
		return codes.Canceled
	case http.StatusInternalServerError:
		return codes.Internal
	case http.StatusNotImplemented:
		return codes.Unimplemented
	case http.StatusBadGateway, http.StatusServiceUnavailable:
		return codes.Unavailable
	case http.StatusGatewayTimeout:
		return codes.DeadlineExceeded
	}
	return codes.Unknown
}
