package fool

// Top is the file at the top: every name below is declared here, and low.go uses
// each of them in a different way.
type Top struct{ Field int }

func (Top) Method() int { return 1 }

type Embedded struct{ Promoted int }

func (Embedded) Lift() int { return 2 }

func Generic[T any](v T) T { return v }

type Box[T any] struct{ V T }

func (b Box[T]) Get() T { return b.V }

var topVar = Top{Field: 3}

// get returns a Top without low.go having to name Top.
func get() Top { return topVar }
