package reliability_test

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// testMalformed: invalid UTF-8 is carried as opaque bytes (paths and header values are
// octets, RFC 3986 and RFC 9110 section 5.5), control characters are refused, and
// so are malformed request lines.
func testMalformed(t *testing.T, e *attackEnv) {
	for _, tc := range []struct {
		name   string
		raw    string
		status []int  // any of these
		public string // the path the public backend must receive; "" for none
	}{
		{"raw_invalid_utf8_path", "GET /public/\xff\xfe HTTP/1.1\r\nHost: x\r\n", []int{200, 400}, ""},
		{"encoded_invalid_utf8_path", "GET /public/%ff%fe HTTP/1.1\r\nHost: x\r\n", []int{200}, "/public/\xff\xfe"},
		{"overlong_utf8_slash", "GET /public/%c0%af..%c0%afadmin HTTP/1.1\r\nHost: x\r\n", []int{200}, "/public/\xc0\xaf..\xc0\xafadmin"},
		{"raw_control_in_path", "GET /public/\x01 HTTP/1.1\r\nHost: x\r\n", []int{400}, ""},
		{"encoded_control_in_path", "GET /public/%01 HTTP/1.1\r\nHost: x\r\n", []int{400}, ""},
		{"encoded_del_in_path", "GET /public/%7f HTTP/1.1\r\nHost: x\r\n", []int{400}, ""},
		{"invalid_utf8_header_value", "GET /x HTTP/1.1\r\nHost: x\r\nX-Bytes: \xff\xfe\r\n", []int{200}, "/x"},
		{"control_in_header_value", "GET /x HTTP/1.1\r\nHost: x\r\nX-Ctl: a\x01b\r\n", []int{400}, ""},
		{"space_in_header_name", "GET /x HTTP/1.1\r\nHost: x\r\nX Bad: v\r\n", []int{400}, ""},
		{"utf8_in_header_name", "GET /x HTTP/1.1\r\nHost: x\r\nX-\xc3\xa9: v\r\n", []int{400}, ""},
		{"bad_method", "G(T /x HTTP/1.1\r\nHost: x\r\n", []int{400}, ""},
		{"unknown_version", "GET /x HTTP/3.0\r\nHost: x\r\n", []int{400, 505}, ""},
		{"no_version", "GET /x\r\nHost: x\r\n", []int{400}, ""},
		{"lowercase_version", "GET /x http/1.1\r\nHost: x\r\n", []int{400}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := rand.Text()[:12]
			ex := rawExchange(t, e.addr.Web, tc.raw+"X-Test-Id: "+id+"\r\nConnection: close\r\n\r\n", 2*time.Second)
			if !slices.Contains(tc.status, ex.First()) {
				t.Errorf("got %v %q, want one of %v", ex.Statuses, ex.Bodies, tc.status)
			}
			got := e.public.WithHeader("X-Test-Id", id)
			switch {
			case tc.public == "" && ex.First() >= 400 && len(got) > 0:
				t.Errorf("the backend received the refused request %q", got[0].RequestURI)
			case tc.public != "" && (len(got) != 1 || got[0].Path != tc.public):
				t.Errorf("the backend received %+v, want one request for %q", got, tc.public)
			}
			e.secretUntouched(t, tc.name)
		})
	}
}

// testMalformedJWT: every malformed, forged, expired or misdirected token gets 401 (or
// 403 for a valid token of another audience), never a 5xx, and the secret backend
// receives none of them.
func testMalformedJWT(t *testing.T, e *attackEnv) {
	valid := token(t, "admin", time.Minute)
	parts := strings.Split(valid, ".")
	payload := b64(`{"iss":"gatewaylab","sub":"tester","aud":"admin","exp":4102444800}`)
	for _, tc := range []struct{ name, auth string }{
		{"none", ""},
		{"scheme_only", "Bearer"},
		{"scheme_and_space", "Bearer "},
		{"basic", "Basic dGVzdGVyOnNlY3JldA=="},
		{"two_segments", "Bearer " + parts[0] + "." + parts[1]},
		{"four_segments", "Bearer " + valid + ".x"},
		{"garbage", "Bearer a.b.c"},
		{"not_base64", "Bearer !!!.???.***"},
		{"not_json", "Bearer " + b64("not json") + "." + b64("nope") + "." + parts[2]},
		{"alg_none", "Bearer " + b64(`{"alg":"none","typ":"JWT"}`) + "." + payload + "."},
		{"alg_none_upper", "Bearer " + b64(`{"alg":"NONE","typ":"JWT"}`) + "." + payload + "."},
		{"wrong_key", "Bearer " + signed(`{"alg":"HS256","typ":"JWT","kid":"rel"}`, payload, sha256.New, "not-the-key")},
		{"other_algorithm_right_key", "Bearer " + signed(`{"alg":"HS512","typ":"JWT","kid":"rel"}`, payload, sha512.New, jwtSecret)},
		{"rs256_confusion", "Bearer " + signed(`{"alg":"RS256","typ":"JWT","kid":"rel"}`, payload, sha256.New, jwtSecret)},
		{"unknown_kid", "Bearer " + signed(`{"alg":"HS256","typ":"JWT","kid":"other"}`, payload, sha256.New, jwtSecret)},
		{"kid_traversal", "Bearer " + signed(`{"alg":"HS256","typ":"JWT","kid":"../../../dev/null"}`, payload, sha256.New, jwtSecret)},
		{"expired", "Bearer " + token(t, "admin", -time.Minute)},
		{"not_yet_valid", "Bearer " + signed(`{"alg":"HS256","typ":"JWT","kid":"rel"}`,
			b64(`{"iss":"gatewaylab","aud":"admin","nbf":4102444800,"exp":4102448400}`), sha256.New, jwtSecret)},
		{"no_expiry", "Bearer " + signed(`{"alg":"HS256","typ":"JWT","kid":"rel"}`, b64(`{"iss":"gatewaylab","aud":"admin"}`), sha256.New, jwtSecret)},
		{"wrong_issuer", "Bearer " + signed(`{"alg":"HS256","typ":"JWT","kid":"rel"}`,
			b64(`{"iss":"evil","aud":"admin","exp":4102444800}`), sha256.New, jwtSecret)},
		{"other_audience", "Bearer " + token(t, "app", time.Minute)},
		{"huge", "Bearer " + b64(`{"alg":"HS256","kid":"`+strings.Repeat("k", 6000)+`"}`) + "." + payload + "." + parts[2]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.auth != "" {
				h.Set("Authorization", tc.auth)
			}
			res := get(t, e.addr.Web, "/admin/jwt", h)
			if res.Status != 401 && !(tc.name == "other_audience" && res.Status == 403) {
				t.Errorf("status %d %q, want 401", res.Status, res.Body)
			}
			e.secretUntouched(t, tc.name)
		})
	}
	t.Run("two_authorization_headers", func(t *testing.T) {
		for _, tc := range []struct{ name, first, second string }{
			{"junk_then_valid", "Bearer junk", "Bearer " + valid},
			{"valid_then_junk", "Bearer " + valid, "Bearer junk"},
		} {
			res := get(t, e.addr.Web, "/admin/jwt", hdr("Authorization", tc.first, "Authorization", tc.second))
			if res.Status != 400 && res.Status != 401 {
				t.Errorf("%s: status %d, want 400 or 401 (which of the two a proxy in front checked is unknowable)", tc.name, res.Status)
			}
		}
		e.secretUntouched(t, "two Authorization headers")
	})
	t.Run("valid_control", func(t *testing.T) {
		wantStatus(t, get(t, e.addr.Web, "/admin/jwt", hdr("Authorization", "bearer "+valid)), 200)
		if e.secret.Count() != e.secretSeen+1 {
			t.Fatal("the secret backend did not receive the authorised request")
		}
		e.secretSeen++
	})
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// signed makes a JWS with header and payload (already encoded) signed by HMAC with key.
func signed(header, payload string, h func() hash.Hash, key string) string {
	input := b64(header) + "." + payload
	mac := hmac.New(h, []byte(key))
	mac.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
