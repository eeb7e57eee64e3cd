package main

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// restAPI is the REST half of the shared port.
func (gw *gateway) restAPI() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", gw.getStats)
	mux.HandleFunc("POST /health", gw.setHealth)
	return mux
}

// getStats shows the flow counters (stage 07) and the proxy's connections.
func (gw *gateway) getStats(w http.ResponseWriter, _ *http.Request) {
	type conn struct {
		Backend  string `json:"backend"`
		Active   int    `json:"active_calls"`
		Draining bool   `json:"draining"`
	}
	var conns []conn
	for _, s := range gw.ups.Stats() {
		conns = append(conns, conn{gw.backends.nameOf(s.Addr), s.Active, s.Draining})
	}
	writeJSON(w, map[string]any{"flow": gw.stats.Snapshot(), "connections": conns})
}

// setHealth flips a backend's health service: POST /health?backend=backend-2&serving=false.
func (gw *gateway) setHealth(w http.ResponseWriter, r *http.Request) {
	b := gw.backends.byName(r.URL.Query().Get("backend"))
	serving, err := strconv.ParseBool(r.URL.Query().Get("serving"))
	if b == nil || err != nil {
		http.Error(w, "want ?backend=backend-N&serving=true|false", http.StatusBadRequest)
		return
	}
	b.setServing(serving)
	writeJSON(w, map[string]any{"backend": b.name, "serving": serving,
		"note": "the health checker notices within 2 probes (2 s)"})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client may have gone; nothing to do about it
}
