package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
)

// childEnv returns env for a child that is to take its credentials from uri, and
// from nowhere else. The credential chains of credentials-go (v1.4.14,
// providers/default.go) and of the Node.js @alicloud/credentials (2.4.7,
// src/providers/default.ts) try, in order: environment keys, OIDC (RRSA), the
// Alibaba Cloud CLI's profile, the shared credentials file, the ECS metadata
// service, and only then ALIBABA_CLOUD_CREDENTIALS_URI. So the child's environment
// loses the keys and the OIDC variables (and the legacy ALICLOUD_* key names), the
// CLI profile and the metadata service are switched off, and the shared credentials
// file is pointed at an empty one.
func childEnv(env []string, uri string) []string {
	drop := map[string]bool{
		"ALIBABA_CLOUD_ACCESS_KEY_ID": true, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": true, "ALIBABA_CLOUD_SECURITY_TOKEN": true,
		"ALICLOUD_ACCESS_KEY": true, "ALICLOUD_SECRET_KEY": true, "ALICLOUD_SECURITY_TOKEN": true,
		"ALIBABA_CLOUD_ROLE_ARN": true, "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": true, "ALIBABA_CLOUD_OIDC_TOKEN_FILE": true,
		"ALIBABA_CLOUD_OIDC_TOKEN": true, "ALIBABA_CLOUD_ROLE_SESSION_NAME": true,
	}
	set := [][2]string{
		{EnvCredentialsURI, uri},
		{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"},
		{"ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"},
		{"ALIBABA_CLOUD_CREDENTIALS_FILE", os.DevNull},
	}
	for _, kv := range set {
		drop[kv[0]] = true
	}
	out := make([]string, 0, len(env)+len(set))
	for _, e := range env {
		if name, _, _ := strings.Cut(e, "="); !drop[name] {
			out = append(out, e)
		}
	}
	for _, kv := range set {
		out = append(out, kv[0]+"="+kv[1])
	}
	return out
}

// exitStatus is a child's exit status for run to return.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// startError is a shell's answer to a command it cannot start: exit status 127 and
// "command not found" for a name not found in $PATH, 127 for a path that does not
// exist, 126 for one that cannot be executed (no permission, a directory, not a
// program).
func startError(name string, err error) error {
	var pe *fs.PathError
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return &exitError{127, fmt.Errorf("sts exec: %s: command not found", name)}
	case errors.As(err, &pe) && errors.Is(pe.Err, fs.ErrNotExist):
		return &exitError{127, fmt.Errorf("sts exec: %s: %w", name, pe.Err)}
	case errors.As(err, &pe):
		return &exitError{126, fmt.Errorf("sts exec: %s: %w", name, pe.Err)}
	}
	return &exitError{126, fmt.Errorf("sts exec: %w", err)}
}

// forwarded are the signals exec passes on to its child.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

func execCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, role, listen := serverFlags("exec")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	command := fs.Args()
	if len(command) == 0 {
		return usagef("no command given")
	}
	if err := listen.check(); err != nil {
		return err
	}
	p, err := role.provider()
	if err != nil {
		return err
	}
	// Credentials first, so that a role that cannot be assumed fails here, not in
	// the middle of the child's work.
	if err := fetchFirst(ctx, p, role.conn.timeout); err != nil {
		return err
	}
	listen.logTo = io.Discard
	srv, err := startCredentialServer(p, *listen)
	if err != nil {
		return err
	}
	defer srv.Close()

	child := exec.Command(command[0], command[1:]...)
	child.Env = childEnv(os.Environ(), srv.URL)
	child.Stdin, child.Stdout, child.Stderr = os.Stdin, stdout, stderr
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, forwarded...)
	defer signal.Stop(signals)
	if err := child.Start(); err != nil {
		return startError(command[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- child.Wait() }()
	for {
		select {
		case s := <-signals:
			child.Process.Signal(s)
		case err := <-done:
			var ee *exec.ExitError
			switch {
			case err == nil:
				return nil
			case errors.As(err, &ee):
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					return exitStatus(128 + int(ws.Signal())) // as a shell reports it
				}
				return exitStatus(ee.ExitCode())
			}
			return fmt.Errorf("sts exec: %w", err)
		}
	}
}
