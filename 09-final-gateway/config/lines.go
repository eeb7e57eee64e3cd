package config

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Line returns the line of the field at path ("routes[2].middleware.rate_limits[0].rate")
// in the file, or of the nearest enclosing field that exists (a missing field is
// reported where it should have been written). It returns 0 when nothing matches.
func (f *File) Line(path string) int {
	if f.root == nil {
		return 0
	}
	node, line := f.root, f.root.Line
	for _, step := range splitPath(path) {
		next := child(node, step)
		if next == nil {
			break
		}
		node, line = next, next.Line
	}
	return line
}

// splitPath turns "a[1].b" into ["a", "1", "b"].
func splitPath(path string) []string {
	if path == "" {
		return nil
	}
	path = strings.ReplaceAll(path, "[", ".")
	path = strings.ReplaceAll(path, "]", "")
	return strings.Split(path, ".")
}

func child(n *yaml.Node, step string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == step {
				v := n.Content[i+1]
				if v.Kind == yaml.ScalarNode {
					return n.Content[i] // the key's line reads better for scalars
				}
				return v
			}
		}
	case yaml.SequenceNode:
		i, err := strconv.Atoi(step)
		if err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}
