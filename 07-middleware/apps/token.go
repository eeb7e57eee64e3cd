package apps

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/jwtauth"
)

// TokenConfig configures the token endpoint.
type TokenConfig struct {
	// Registry holds the apps. Required.
	Registry *Registry
	// Signer issues the tokens; its audience must be the one the services' Verifier
	// expects. Required.
	Signer *jwtauth.Signer
	// Realm names the endpoint in WWW-Authenticate (default "gateway").
	Realm string
}

// maxTokenRequest bounds the form body: it carries only grant_type and scope.
const maxTokenRequest = 4 << 10

type tokenHandler struct {
	cfg TokenConfig
}

// NewTokenHandler returns the client-credentials token endpoint (the course's
// POST /oauth/tokens): "Authorization: Basic base64(app_id:secret)" and a form body
// "grant_type=client_credentials" get a JSON token response (RFC 6749 section 5.1);
// errors are JSON too (section 5.2): 401 invalid_client, 400 unsupported_grant_type,
// 403 access_denied for a client address the app may not use.
func NewTokenHandler(cfg TokenConfig) (http.Handler, error) {
	if cfg.Registry == nil || cfg.Signer == nil {
		return nil, errors.New("apps: token endpoint needs Registry and Signer")
	}
	realm, err := jwtauth.Realm(cfg.Realm)
	if err != nil {
		return nil, fmt.Errorf("apps: token endpoint Realm %w", err)
	}
	cfg.Realm = realm
	return &tokenHandler{cfg: cfg}, nil
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

func (h *tokenHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenRequest)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only client_credentials is supported")
		return
	}
	app, err := h.authenticate(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf("Basic realm=%q", h.cfg.Realm))
		oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	if e, _ := h.cfg.Registry.get(app.ID); e.allowed != nil && !e.allowed.Allowed(clientip.FromRequest(r)) {
		oauthError(w, http.StatusForbidden, "access_denied", "client address not allowed")
		return
	}
	h.issue(w, app)
}

func (h *tokenHandler) authenticate(r *http.Request) (App, error) {
	id, presented, ok := r.BasicAuth()
	if !ok {
		return App{}, ErrInvalidClient
	}
	return h.cfg.Registry.Authenticate(id, presented)
}

func (h *tokenHandler) issue(w http.ResponseWriter, app App) {
	token, _, err := h.cfg.Signer.Sign(app.ID, "")
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", "could not issue a token")
		return
	}
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken: token,
		TokenType:   "Bearer",
		ExpiresIn:   int64(h.cfg.Signer.TTL().Seconds()),
	})
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store") // RFC 6749 section 5.1: tokens must not be cached
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // a client that hung up cannot be told anything
}
