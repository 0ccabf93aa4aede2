// Command sigcount is the child program of the exec signal tests: it appends the name
// of every signal it receives (SIGCONT too, "continued", though not the stop before
// it) to the file named by its argument, one a line, and exits 0 after SIGUSR2. It
// creates <file>.ready once it listens.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	log, err := os.OpenFile(os.Args[1], os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		os.Exit(1)
	}
	signals := make(chan os.Signal, 64)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGCONT)
	if err := os.WriteFile(os.Args[1]+".ready", nil, 0o600); err != nil {
		os.Exit(1)
	}
	for s := range signals {
		log.WriteString(s.(syscall.Signal).String() + "\n")
		if s == syscall.SIGUSR2 {
			return
		}
	}
}
