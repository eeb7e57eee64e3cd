package balancer

import "strconv"

// The ring needs a hash that every gateway instance computes the same way, today and
// after a restart, or instances would disagree about where a key lives. hash/maphash
// is seeded per process, so it is out. hash/fnv's FNV-1a is stable but only reachable
// through an interface that allocates, so FNV-1a is written out here (hashString is
// checked against hash/fnv in the tests). FNV-1a mixes the last bytes of a key poorly
// ("10.0.0.1" and "10.0.0.2" land close together), so murmur3's 64-bit finalizer runs
// after it to spread every input bit over the whole output.
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// fnv1a continues an FNV-1a hash h over the bytes of s.
func fnv1a[T string | []byte](h uint64, s T) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime64
	}
	return h
}

// fmix64 is murmur3's finalizer: every input bit affects every output bit.
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// hashKey places a request key on the ring.
func hashKey(key string) uint64 { return fmix64(fnv1a(fnvOffset64, key)) }

// hashVirtualNode places virtual node v of addr on the ring. It hashes the label
// "addr#v" without building the string.
func hashVirtualNode(addr string, v int) uint64 {
	var digits [20]byte
	h := fnv1a(fnvOffset64, addr)
	h = fnv1a(h, "#")
	h = fnv1a(h, strconv.AppendInt(digits[:0], int64(v), 10))
	return fmix64(h)
}
