package fool

// low stands below top.go and uses its names in several ways.
func low() int {
	f := get().Method            // a method value
	g := Top.Method              // a method expression
	type wrap struct{ Embedded } // an embedded field
	w := wrap{}
	n := Generic[int](1) // a generic instantiation
	b := Box[int]{V: 2}  // a generic type
	return f() + g(Top{}) + w.Lift() + w.Promoted + n + b.Get() + get().Field
}
