package registry

import (
	"encoding/json"
	"fmt"
)

// maxEncoded bounds an instance's stored form; a value this large is someone's mistake,
// and every watcher would hold it in memory.
const maxEncoded = 64 << 10

// Encode returns the stored form of inst: JSON such as
// {"addr":"10.0.0.1:8080","weight":2,"metadata":{"zone":"a"}}.
func Encode(inst Instance) ([]byte, error) {
	inst, err := Normalize(inst)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(inst)
	if err != nil {
		return nil, fmt.Errorf("encode instance %s: %w", inst.Addr, err)
	}
	return b, nil
}

// Decode reads a stored instance and normalizes it. Values written by other tools
// (etcdctl put) go through here, so nothing in them is trusted.
func Decode(data []byte) (Instance, error) {
	if len(data) > maxEncoded {
		return Instance{}, fmt.Errorf("decode instance: %d bytes, at most %d: %w", len(data), maxEncoded, ErrInvalidInstance)
	}
	var inst Instance
	if err := json.Unmarshal(data, &inst); err != nil {
		return Instance{}, fmt.Errorf("decode instance: %w: %w", err, ErrInvalidInstance)
	}
	inst, err := Normalize(inst)
	if err != nil {
		return Instance{}, fmt.Errorf("decode instance: %w", err)
	}
	return inst, nil
}
