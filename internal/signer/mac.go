package signer

import (
	"crypto/sha1"
	"crypto/sha256"
	"hash"

	"github.com/tjfoc/gmsm/sm3"
)

// mac computes HMAC (RFC 2104) with one reusable hash state, so that a pooled mac
// signs without allocating; crypto/hmac would allocate its state on every new key.
type mac struct {
	h     hash.Hash
	pad   []byte // one block: key XOR ipad, then key XOR opad
	inner []byte // the inner digest
	out   []byte // the outer digest, returned to the caller
}

func newMAC(algorithm string) *mac {
	var h hash.Hash
	switch algorithm {
	case HMACSHA1:
		h = sha1.New()
	case ACS3HMACSM3:
		h = sm3.New()
	default:
		h = sha256.New()
	}
	return &mac{
		h:     h,
		pad:   make([]byte, h.BlockSize()),
		inner: make([]byte, 0, h.Size()),
		out:   make([]byte, 0, h.Size()),
	}
}

// sum returns HMAC(key+suffix, msg). The result is valid until the next call.
func (m *mac) sum(key, suffix string, msg []byte) []byte {
	clear(m.pad)
	if len(key)+len(suffix) > len(m.pad) {
		// A key longer than a block is replaced by its hash (RFC 2104, section 2).
		m.h.Reset()
		m.h.Write([]byte(key + suffix))
		m.inner = m.h.Sum(m.inner[:0])
		copy(m.pad, m.inner)
	} else {
		n := copy(m.pad, key)
		copy(m.pad[n:], suffix)
	}
	for i := range m.pad {
		m.pad[i] ^= 0x36
	}
	m.h.Reset()
	m.h.Write(m.pad)
	m.h.Write(msg)
	m.inner = m.h.Sum(m.inner[:0])
	for i := range m.pad {
		m.pad[i] ^= 0x36 ^ 0x5c
	}
	m.h.Reset()
	m.h.Write(m.pad)
	m.h.Write(m.inner)
	m.out = m.h.Sum(m.out[:0])
	return m.out
}
