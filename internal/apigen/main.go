// Command apigen writes the sts package's models, parameter lists, Validate methods
// and entry points from the description of the API in api.go. It is run by go
// generate in the module's root and writes into the current directory:
//
//	go generate .
package main

import (
	"fmt"
	"maps"
	"os"
	"slices"
)

func main() {
	files, err := generate(operations, shared)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := os.WriteFile(name, files[name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "apigen:", err)
			os.Exit(1)
		}
	}
}
