package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxBody bounds every request body: a whole configuration fits many times over.
const maxBody = 1 << 20

// readBody reads a bounded JSON request body.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, errMediaType
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, fmt.Errorf("%w (at most %d bytes)", errTooLarge, maxBody)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: reading the body: %v", errBadRequest, err)
	}
	return data, nil
}

// indentJSON checks that data is one JSON object and writes it one field per line, so
// that a YAML decoder's line numbers point at single fields (see linePaths). The
// configuration types only have YAML field names, and JSON is YAML: decoding the
// request with the same decoder as the file gives the same names and messages.
func indentJSON(data []byte) ([]byte, error) {
	var probe any
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%w: the body is not JSON: %v", errBadRequest, err)
	}
	if _, ok := probe.(map[string]any); !ok {
		return nil, fmt.Errorf("%w: the body must be a JSON object", errBadRequest)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, data, "", "  "); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadRequest, err)
	}
	return buf.Bytes(), nil
}

// decodeStrict decodes a JSON object into v (a configuration type) the way a file is
// decoded: an unknown field or a value of the wrong type is an *invalidError naming
// the field. prefix is where v sits in the whole configuration ("services[3]").
func decodeStrict(data []byte, v any, prefix string) error {
	text, err := indentJSON(data)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(text))
	dec.KnownFields(true) // a misspelt field is an error, not a silently ignored setting
	err = dec.Decode(v)
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return located(te.Errors, linePaths(text), prefix)
	}
	if err != nil {
		return fmt.Errorf("%w: %v", errBadRequest, err)
	}
	return nil
}

var lineMsg = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
var unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)

// located turns decoder messages ("line 7: cannot unmarshal ...") into field problems.
func located(msgs []string, paths map[int]string, prefix string) *invalidError {
	out := &invalidError{summary: "invalid configuration"}
	for _, m := range msgs {
		p := FieldProblem{Message: m}
		if sub := lineMsg.FindStringSubmatch(m); sub != nil {
			line, _ := strconv.Atoi(sub[1]) // the pattern matched digits
			p.Field, p.Message = paths[line], sub[2]
		}
		p.Message = plainMessage(p.Message)
		p.Path = joinPath(prefix, p.Field)
		if prefix == "" {
			p.Field = ""
		}
		out.fields = append(out.fields, p)
	}
	return out
}

// plainMessage words a decoder message for people: `unknown field "x"` rather than
// "field x not found in type config.Service".
func plainMessage(msg string) string {
	if sub := unknownField.FindStringSubmatch(msg); sub != nil {
		return fmt.Sprintf("unknown field %q", sub[1])
	}
	return strings.ReplaceAll(msg, "config.", "")
}

// linePaths maps each line of indented JSON to the path of the field written on it.
func linePaths(text []byte) map[int]string {
	out := map[int]string{}
	var doc yaml.Node
	if yaml.Unmarshal(text, &doc) != nil || len(doc.Content) == 0 {
		return out
	}
	walkLines(doc.Content[0], "", out)
	return out
}

func walkLines(n *yaml.Node, path string, out map[int]string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := joinPath(path, n.Content[i].Value)
			out[n.Content[i].Line] = p
			walkLines(n.Content[i+1], p, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if _, taken := out[c.Line]; !taken {
				out[c.Line] = p
			}
			walkLines(c, p, out)
		}
	}
}

// joinPath joins field paths: ("services[1]", "targets[0].addr").
func joinPath(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "":
		return prefix
	}
	return prefix + "." + field
}
