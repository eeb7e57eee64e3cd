package health

import (
	"fmt"
	"strconv"
	"strings"
)

// StatusRange is an inclusive range of HTTP status codes, [Min, Max].
type StatusRange struct{ Min, Max int }

// Contains reports whether code is in the range.
func (r StatusRange) Contains(code int) bool { return code >= r.Min && code <= r.Max }

// String returns "200" for a single code and "200-299" for a range.
func (r StatusRange) String() string {
	if r.Min == r.Max {
		return strconv.Itoa(r.Min)
	}
	return strconv.Itoa(r.Min) + "-" + strconv.Itoa(r.Max)
}

// StatusRanges is a set of accepted status codes. Its String form is what
// ParseStatusRanges reads.
type StatusRanges []StatusRange

// DefaultStatusRanges accepts 2xx and 3xx, as HAProxy does: a health endpoint that
// redirects is answering, and probes never follow redirects.
var DefaultStatusRanges = StatusRanges{{200, 399}}

// Contains reports whether code is in any of the ranges.
func (rs StatusRanges) Contains(code int) bool {
	for _, r := range rs {
		if r.Contains(code) {
			return true
		}
	}
	return false
}

// String joins the ranges with commas: "200-299,301".
func (rs StatusRanges) String() string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// ParseStatusRanges reads a configuration string of comma-separated codes ("204"),
// ranges ("200-299") and classes ("2xx"), such as "2xx,301-302,404". Every code must be
// in [100, 599] and every range in order.
func ParseStatusRanges(s string) (StatusRanges, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("status ranges %q: empty: %w", s, ErrInvalidConfig)
	}
	var rs StatusRanges
	for part := range strings.SplitSeq(s, ",") {
		r, err := parseStatusRange(strings.TrimSpace(part))
		if err != nil {
			return nil, fmt.Errorf("status ranges %q: %w", s, err)
		}
		rs = append(rs, r)
	}
	return rs, nil
}

func parseStatusRange(s string) (StatusRange, error) {
	if len(s) == 3 && strings.HasSuffix(s, "xx") && s[0] >= '1' && s[0] <= '5' {
		lo := int(s[0]-'0') * 100
		return StatusRange{lo, lo + 99}, nil
	}
	lo, hi, isRange := strings.Cut(s, "-")
	minCode, err := parseStatusCode(lo)
	if err != nil {
		return StatusRange{}, err
	}
	maxCode := minCode
	if isRange {
		if maxCode, err = parseStatusCode(hi); err != nil {
			return StatusRange{}, err
		}
	}
	if minCode > maxCode {
		return StatusRange{}, fmt.Errorf("range %q is backwards: %w", s, ErrInvalidConfig)
	}
	return StatusRange{minCode, maxCode}, nil
}

func parseStatusCode(s string) (int, error) {
	code, err := strconv.Atoi(s)
	if err != nil || len(s) != 3 || code < 100 || code > 599 {
		return 0, fmt.Errorf("%q is not a status code in [100, 599]: %w", s, ErrInvalidConfig)
	}
	return code, nil
}
