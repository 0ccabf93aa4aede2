//go:build !linux

package main

import "os/exec"

// terminal: outside Linux the child stays in sts's process group, and a signal from
// the terminal may reach it twice (its own, and the one sts passes on).
type terminal struct{}

func foreground(*exec.Cmd) *terminal { return &terminal{} }

func (*terminal) wait(child *exec.Cmd) error { return child.Wait() }

func (*terminal) restore() {}
