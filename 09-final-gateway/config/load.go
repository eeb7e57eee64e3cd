// Package config reads, checks and writes the gateway's YAML configuration. Every error
// names the file, the line and the field ("gateway.yaml:14: services[1].targets[0].addr:
// ..."), and all of a file's errors are reported at once, so an operator fixes a file in
// one pass. An embedded default (Default) lets the gateway run with no file at all.
package config

import (
	"bytes"
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// File is a loaded configuration with what is needed to point at its lines.
type File struct {
	// Name is the file the configuration came from ("<embedded default>" for Default).
	Name string
	// Config is the configuration, defaults applied.
	Config *Config
	root   *yaml.Node
}

//go:embed default.yaml
var defaultYAML []byte

// DefaultName is the name errors use for the embedded default configuration.
const DefaultName = "<embedded default>"

// Default returns the embedded default configuration: demo backends and routes a
// newcomer can curl at once, admin on loopback with a token made at start.
func Default() (*File, error) { return Parse(DefaultName, defaultYAML) }

// DefaultYAML returns the text of the embedded default configuration.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Load reads and parses the file at path.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse parses data (named name in errors), applies defaults and validates. The error,
// when not nil, is an *Errors listing every problem found.
func Parse(name string, data []byte) (*File, error) {
	f := &File{Name: name, Config: &Config{}}
	if !utf8.Valid(data) {
		// The YAML library would guess another encoding (UTF-16 from a byte order mark)
		// and report lines of the text it decoded, not of the file the operator sees.
		bad := len(data)
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				bad = i
				break
			}
			i += size
		}
		line := 1 + bytes.Count(data[:bad], []byte("\n"))
		return nil, &Errors{File: name, List: []FieldError{{Line: line, Msg: "the file is not UTF-8 text (save it as UTF-8)"}}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Errors{File: name, List: []FieldError{yamlError(err)}}
	}
	if len(doc.Content) == 0 {
		return nil, &Errors{File: name, List: []FieldError{{Line: 1, Msg: "the file is empty"}}}
	}
	f.root = doc.Content[0]
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // a misspelt field is an error, not a silently ignored setting
	if err := dec.Decode(f.Config); err != nil {
		return nil, &Errors{File: name, List: decodeErrors(err)}
	}
	applyDefaults(f.Config)
	if errs := validate(f.Config); len(errs) > 0 {
		for i := range errs {
			errs[i].Line = f.Line(errs[i].Path)
		}
		slices.SortStableFunc(errs, func(a, b FieldError) int { return cmp.Compare(a.Line, b.Line) })
		return nil, &Errors{File: name, List: errs}
	}
	return f, nil
}

// Marshal writes c as YAML (for the admin API's persistence).
func Marshal(c *Config) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return buf.Bytes(), nil
}

// FieldError is one problem, at a field.
type FieldError struct {
	Path string // e.g. "services[1].targets[0].addr"; empty for file-level problems
	Line int    // 0 when unknown
	Msg  string
}

// Errors is every problem found in one file.
type Errors struct {
	File string
	List []FieldError
}

func (e *Errors) Error() string {
	var b strings.Builder
	for i, fe := range e.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		if fe.Line > 0 {
			fmt.Fprintf(&b, ":%d", fe.Line)
		}
		b.WriteString(": ")
		if fe.Path != "" {
			b.WriteString(fe.Path + ": ")
		}
		b.WriteString(fe.Msg)
	}
	return b.String()
}

// Annotate turns an error about the field at path (found while building the gateway
// from this file, after validation) into an *Errors pointing at its line.
func (f *File) Annotate(path string, err error) error {
	if err == nil {
		return nil
	}
	var already *Errors
	if errors.As(err, &already) {
		return err
	}
	return &Errors{File: f.Name, List: []FieldError{{Path: path, Line: f.Line(path), Msg: err.Error()}}}
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

func yamlError(err error) FieldError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		line, _ := strconv.Atoi(msg[m[2]:m[3]])
		return FieldError{Line: line, Msg: msg[:m[0]] + msg[m[1]:]}
	}
	return FieldError{Msg: msg}
}

func decodeErrors(err error) []FieldError {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return []FieldError{yamlError(err)}
	}
	out := make([]FieldError, 0, len(te.Errors))
	for _, e := range te.Errors {
		fe := yamlError(errors.New(e))
		fe.Msg = strings.ReplaceAll(fe.Msg, "config.", "")
		out = append(out, fe)
	}
	return out
}
