// Package servemux is a lesson on how http.ServeMux (Go 1.22+) picks the
// handler for a request, told through code you can run and tests you can
// read.
//
// The rules, in the order the mux applies them:
//
//  1. Clean the path first. A request for "/a/../items/7" or "//items/7" is
//     redirected to the clean path "/items/7". The redirect is a 307, which
//     keeps the method and body; Go 1.25 and older sent 301, which clients
//     follow with a GET (golang/go#77741).
//  2. A pattern is [METHOD ][HOST]/PATH. A method matches only that method,
//     except that GET also matches HEAD. A host matches only that Host
//     header. A PATH ending in "/" matches that whole subtree ("/static/"
//     matches "/static/css/a.css"); "{$}" anchors it to the exact path.
//  3. Wildcards match path segments: "{id}" one segment, "{path...}" all the
//     rest. Handlers read them with r.PathValue("id").
//  4. When several patterns match, the most specific wins: one that matches
//     a strict subset of the other's requests. "GET /items/latest" beats
//     "GET /items/{id}", which beats "/items/{id}" (any method). A host
//     pattern beats a host-less one.
//  5. Two patterns where neither is more specific but some request matches
//     both ("/a/{x}" and "/{y}/b") conflict: registering the second panics,
//     at startup instead of at request time. Register turns that panic into
//     an error.
//  6. If no pattern matches the path, 404. If patterns match the path but
//     not the method, 405 with an Allow header.
//  7. A subtree pattern "/static/" also claims "/static": a request for it
//     is redirected (307) to "/static/".
//
// A gateway's router (09) matches on host, path prefix, method and headers
// with longest-prefix-wins: the same idea of "most specific wins".
package servemux
