// Package router chooses the route for a request: by host (exact, then wildcard, then
// any), by path (exact, or a prefix that ends on a segment boundary; the longest wins),
// then by method and headers. A routing table is built once from configuration and is
// immutable, so a reload builds a new table and swaps it in without locks on the
// request path. The path is canonicalised once (CanonicalPath) and that one form is
// matched, rewritten and forwarded.
package router
