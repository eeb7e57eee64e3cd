// Package echopb is the generated code for the Echo service in echo.proto: the
// messages (protoc-gen-go) and the client and server stubs (protoc-gen-go-grpc).
// Only the example servers, clients and tests use it; the gRPC proxy forwards Echo
// calls as raw frames without ever importing it.
//
// The generation command and the pinned generator versions are in the stage README.
package echopb
