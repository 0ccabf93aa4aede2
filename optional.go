package sts

import "time"

// The official SDK's Config, RuntimeOptions and models mark an optional field with a
// pointer: nil is unset. These helpers read such fields, for every file of the
// package, and refuse the set ones that the client cannot honour.

// deref returns *p, or the zero value when p is nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// millis returns the milliseconds *p as a duration, or def when p is nil or *p is
// zero or less.
func millis(p *int, def time.Duration) time.Duration {
	if p == nil || *p <= 0 {
		return def
	}
	return time.Duration(*p) * time.Millisecond
}

// unsupported is a setting the client cannot honour, and whether it is set.
type unsupported struct {
	field, why string
	set        bool
}

// firstSet refuses the first of fields that is set, naming it.
func firstSet(prefix string, fields []unsupported) error {
	for _, f := range fields {
		if f.set {
			return &ValidationError{Field: prefix + f.field, Rule: "is not supported: " + f.why}
		}
	}
	return nil
}
