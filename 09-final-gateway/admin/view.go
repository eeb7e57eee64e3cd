package admin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// view is a configuration value as the API shows it: the field names, order and value
// forms of the YAML file ("5s", "10MiB"), written as JSON, without the fields left at
// their zero value (they mean the same as a field not written). What a client reads
// it can send back unchanged.
type view struct{ node *yaml.Node }

// viewOf encodes a configuration value (config.Service, config.Config, ...).
func viewOf(v any) (view, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return view{}, fmt.Errorf("encode view: %w", err)
	}
	pruneZero(&n)
	return view{node: &n}, nil
}

// without drops a top-level field (an app's secret_hash: the dashboard never needs it).
func (v view) without(field string) view {
	n := v.node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == field {
			n.Content = append(n.Content[:i:i], n.Content[i+2:]...)
			break
		}
	}
	return v
}

// with adds a top-level string field (a secret shown once).
func (v view) with(field, value string) view {
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: field}
	val := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
	v.node.Content = append(v.node.Content, key, val)
	return v
}

// MarshalJSON writes the view as JSON, fields in the configuration's order.
func (v view) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := writeNode(&buf, v.node); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeNode(buf *bytes.Buffer, n *yaml.Node) error {
	switch n.Kind {
	case yaml.DocumentNode:
		return writeNode(buf, n.Content[0])
	case yaml.AliasNode:
		return writeNode(buf, n.Alias)
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				buf.WriteByte(',')
			}
			key, err := json.Marshal(n.Content[i].Value) // JSON escapes, not Go's
			if err != nil {
				return err
			}
			buf.Write(key)
			buf.WriteByte(':')
			if err := writeNode(buf, n.Content[i+1]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeNode(buf, c); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	default:
		return writeScalar(buf, n)
	}
	return nil
}

// writeScalar writes a scalar with its YAML type as JSON: 5 stays a number, "5s" a
// string, true a boolean.
func writeScalar(buf *bytes.Buffer, n *yaml.Node) error {
	var v any
	if err := n.Decode(&v); err != nil {
		return fmt.Errorf("encode view: %w", err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode view: %w", err)
	}
	buf.Write(b)
	return nil
}

// pruneZero removes mapping fields whose value is null, false, 0, "" or an empty list.
// Empty mappings stay: "passive: {}" turns passive health checks on with defaults.
func pruneZero(n *yaml.Node) {
	for _, c := range n.Content {
		pruneZero(c)
	}
	if n.Kind != yaml.MappingNode {
		return
	}
	kept := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !isZero(n.Content[i+1]) {
			kept = append(kept, n.Content[i], n.Content[i+1])
		}
	}
	n.Content = kept
}

func isZero(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.SequenceNode:
		return len(n.Content) == 0
	case yaml.ScalarNode:
	default:
		return false
	}
	switch n.ShortTag() {
	case "!!null":
		return true
	case "!!bool":
		return n.Value == "false"
	case "!!int", "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		return err == nil && f == 0
	case "!!str":
		return n.Value == ""
	}
	return false
}
