package udp_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"gatewaylab/02-tcp-udp-http/udp"
)

func TestParseReply(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr error
	}{
		{name: "success", in: "+hello", want: "hello"},
		{name: "empty success", in: "+", want: ""},
		{name: "error", in: "-request larger than 16 bytes", wantErr: udp.ErrRemote},
		{name: "empty datagram", in: "", wantErr: udp.ErrMalformedReply},
		{name: "unknown status", in: "hello", wantErr: udp.ErrMalformedReply},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := udp.ParseReply([]byte(tt.in))
			if !errors.Is(err, tt.wantErr) || string(got) != tt.want {
				t.Errorf("ParseReply(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// FuzzParseReply checks the codec's invariants on any input: success replies
// round-trip, error replies keep their message, and nothing else is accepted.
func FuzzParseReply(f *testing.F) {
	for _, seed := range []string{"+hello", "-boom", "", "+", "-", "x", "\x00+"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		payload, err := udp.ParseReply(b)
		switch {
		case err == nil:
			if again := udp.AppendReply(nil, payload); !bytes.Equal(again, b) {
				t.Fatalf("AppendReply(ParseReply(%q)) = %q; want the input back", b, again)
			}
		case errors.Is(err, udp.ErrRemote):
			if b[0] != '-' || !strings.HasSuffix(err.Error(), string(b[1:])) {
				t.Fatalf("ParseReply(%q) = %v; want the message kept", b, err)
			}
		case !errors.Is(err, udp.ErrMalformedReply):
			t.Fatalf("ParseReply(%q) = %v; want ErrMalformedReply", b, err)
		case len(b) > 0 && (b[0] == '+' || b[0] == '-'):
			t.Fatalf("ParseReply(%q) rejected a valid status byte", b)
		}

		// Whatever b is, as a payload it must survive a round trip.
		if got, err := udp.ParseReply(udp.AppendReply(nil, b)); err != nil || !bytes.Equal(got, b) {
			t.Fatalf("round trip of payload %q = %q, %v", b, got, err)
		}
	})
}

func TestDropFuncs(t *testing.T) {
	pattern := func(drop udp.DropFunc) string {
		var sb strings.Builder
		for seq := uint64(1); seq <= 12; seq++ {
			if drop(seq) {
				sb.WriteByte('x')
			} else {
				sb.WriteByte('.')
			}
		}
		return sb.String()
	}
	tests := []struct {
		name string
		drop udp.DropFunc
		want string
	}{
		{name: "first three", drop: udp.DropFirst(3), want: "xxx........."},
		{name: "never", drop: udp.DropRandom(0, 1), want: "............"},
		{name: "always", drop: udp.DropRandom(1, 1), want: "xxxxxxxxxxxx"},
		{name: "same seed, same losses", drop: udp.DropRandom(0.5, 7), want: pattern(udp.DropRandom(0.5, 7))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pattern(tt.drop); got != tt.want {
				t.Errorf("drops %s; want %s", got, tt.want)
			}
		})
	}
}
