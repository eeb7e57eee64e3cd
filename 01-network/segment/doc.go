// Package segment decodes and encodes TCP headers (RFC 9293 section 3.1):
// ports, sequence and acknowledgment numbers, flags, window, and the
// options a handshake negotiates: MSS, window scale (RFC 7323), SACK
// permitted (RFC 2018) and timestamps (RFC 7323), plus NOP and EOL. Options
// it does not know are kept as they are, so a decoded segment encodes back
// to the same bytes.
//
// Decode never panics: a short, inconsistent or hostile segment gets an
// error wrapping ErrTruncated, ErrBadDataOffset or ErrBadOption.
package segment
