// Package admin is the gateway's management surface: a JSON API and the web dashboard
// that uses it, both served by one http.Handler on the admin listener (loopback by
// default). The gateway itself is reached through the Backend interface, so the API is
// tested against a fake and the server package supplies the real thing.
//
// # API
//
// Every call under /api/v1/ needs the admin token as "Authorization: Bearer TOKEN"
// (scripts), or a dashboard session cookie (browsers; then every change also needs the
// session's CSRF token in the X-CSRF-Token header). A session starts with the admin
// token or with the name and password of one of the configuration's admin.users
// (bcrypt hashes; issue 11); users have no bearer token. Answers are JSON; errors are
// {"error": "...", "fields": [{"path", "field", "message"}]}.
//
//	GET    /api/v1/config                 the configuration being served; ETag: its version
//	PUT    /api/v1/config                 replace it (If-Match: version, 412 when stale)
//	GET    /api/v1/{services|routes|apps} list: ?q= search, ?page=&size= paging
//	POST   /api/v1/{services|routes|apps} create (201)
//	GET    /api/v1/{kind}/{name}          one item; ETag: the configuration version
//	PUT    /api/v1/{kind}/{name}          replace it (If-Match honoured)
//	DELETE /api/v1/{kind}/{name}          delete it (409 while a route still uses it)
//	POST   /api/v1/apps/{id}/secret       rotate the app's secret: the new one is shown once
//	POST   /api/v1/apps/{id}/token        issue a token for the app, as the token endpoint would
//	GET    /api/v1/health                 live state of every service's targets
//	GET    /api/v1/stats                  request counts per service, route and app
//	GET    /api/v1/stats/hourly?counter=  requests per hour, today and yesterday
//	GET    /api/v1/instances              the gateway instances (several in cluster mode)
//	POST   /api/v1/reload                 re-read the configuration file
//	POST   /api/v1/session                dashboard login ({"token"} or {"user", "password"}); GET: who; DELETE: logout
//
// # Why changes are safe
//
// A change is made on a copy of the configuration and handed to Backend.Apply, which
// validates it exactly as a configuration file is validated, so the API and the
// dashboard report the same field paths and messages as `gateway check`. Apply is
// conditional on the version the change was based on (the client's If-Match, or the
// version this handler read): two admins saving at once get a conflict, never a lost
// update. No GET changes anything, bodies are bounded, and every change is written to
// the audit log with who made it and how it ended.
//
// # Dashboard
//
// /ui/ serves plain HTML, CSS and JavaScript modules embedded in the binary (nothing to
// build or deploy); / redirects there. It uses only the API above.
package admin
