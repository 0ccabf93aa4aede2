package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/stsgo/sts/stscreds"
)

// memoryStore is a stscreds.SharedStore in this process's memory, for replicas that
// run in one process, as this example's do. Separate processes share through Redis
// (stscreds/redisstore), which also seals what it stores; memory needs no sealing,
// since nothing leaves the process.
type memoryStore struct {
	mu      sync.Mutex // guards the maps
	entries map[string]memoryEntry
	locks   map[string]memoryLock
}

type memoryEntry struct {
	creds stscreds.Credentials
	until time.Time
}

type memoryLock struct {
	token string
	until time.Time
}

func newMemoryStore() *memoryStore {
	return &memoryStore{entries: map[string]memoryEntry{}, locks: map[string]memoryLock{}}
}

// Load returns the entry under key until its time.
func (m *memoryStore) Load(_ context.Context, key string) (stscreds.Credentials, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok || !time.Now().Before(e.until) {
		delete(m.entries, key)
		return stscreds.Credentials{}, false, nil
	}
	return e.creds, true, nil
}

// Save stores creds under key until the time given.
func (m *memoryStore) Save(_ context.Context, key string, creds stscreds.Credentials, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries[key] = memoryEntry{creds: creds, until: until}
	return nil
}

// Lock takes key's lock for ttl unless another holder has it; the returned function
// releases it if it is still this holder's.
func (m *memoryStore) Lock(_ context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.locks[key]; ok && time.Now().Before(l.until) {
		return nil, nil
	}
	var b [16]byte
	rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	m.locks[key] = memoryLock{token: token, until: time.Now().Add(ttl)}
	return func(context.Context) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.locks[key].token == token {
			delete(m.locks, key)
		}
		return nil
	}, nil
}

// Delete removes the entry under key.
func (m *memoryStore) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, key)
	return nil
}
