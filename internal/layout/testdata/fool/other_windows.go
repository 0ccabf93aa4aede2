package fool

// other is a file of the package on Windows only: it uses top.go's names, and has
// no place in any order.
func other() int { return get().Method() }
