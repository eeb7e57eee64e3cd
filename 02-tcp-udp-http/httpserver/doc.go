// Package httpserver builds net/http servers that are safe by default and
// stop gracefully (优雅关闭).
//
// An http.Server's zero value has no timeouts at all: a client that sends
// its headers one byte a minute (slowloris) or opens a keep-alive connection
// and walks away holds a goroutine and a file descriptor forever. New fills
// in every limit; Run serves until its context ends, then shuts down: the
// listener closes at once (new clients are refused), idle keep-alive
// connections close, requests in flight finish, and anything still running
// when the grace period ends is cut.
package httpserver
