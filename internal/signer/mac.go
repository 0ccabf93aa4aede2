package signer

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding"
	"hash"

	"github.com/tjfoc/gmsm/sm3"
)

// mac computes HMAC (RFC 2104) with one reusable hash state, so that a pooled mac
// signs without allocating; crypto/hmac would allocate its state on every new key.
//
// Where the hash can save and restore its state (SHA-1 and SHA-256 can), the states
// after the key's inner and outer pads are kept for the last key, so that signing
// again with the same secret, the usual case, skips two compressions.
type mac struct {
	h     hash.Hash
	pad   []byte // one block: key XOR ipad, then key XOR opad
	inner []byte // the inner digest
	out   []byte // the outer digest, returned to the caller

	saved                  bool   // whether the states below are set
	key                    string // the key (with its suffix) they are for
	innerState, outerState []byte // the hash's state after the inner and outer pads
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

// stateful is a hash whose state can be saved and restored.
type stateful interface {
	encoding.BinaryAppender
	encoding.BinaryUnmarshaler
}

// sum returns HMAC(key+suffix, msg). The result is valid until the next call.
func (m *mac) sum(key, suffix string, msg []byte) []byte {
	st, canSave := m.h.(stateful)
	if canSave && m.saved && len(m.key) == len(key)+len(suffix) && m.key[:len(key)] == key && m.key[len(key):] == suffix {
		return m.finish(st, msg)
	}
	m.setPads(key, suffix)
	m.h.Reset()
	m.h.Write(m.pad) // key XOR ipad
	if canSave {
		m.innerState, _ = st.AppendBinary(m.innerState[:0])
		for i := range m.pad {
			m.pad[i] ^= 0x36 ^ 0x5c
		}
		m.h.Reset()
		m.h.Write(m.pad) // key XOR opad
		m.outerState, _ = st.AppendBinary(m.outerState[:0])
		m.key, m.saved = key+suffix, true
		return m.finish(st, msg)
	}
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

// finish computes the HMAC from the saved pad states.
func (m *mac) finish(st stateful, msg []byte) []byte {
	_ = st.UnmarshalBinary(m.innerState) // a state the same hash saved
	m.h.Write(msg)
	m.inner = m.h.Sum(m.inner[:0])
	_ = st.UnmarshalBinary(m.outerState)
	m.h.Write(m.inner)
	m.out = m.h.Sum(m.out[:0])
	return m.out
}

// setPads puts key+suffix XOR ipad into m.pad; a key longer than a block is replaced
// by its hash first (RFC 2104, section 2).
func (m *mac) setPads(key, suffix string) {
	clear(m.pad)
	if len(key)+len(suffix) > len(m.pad) {
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
}
