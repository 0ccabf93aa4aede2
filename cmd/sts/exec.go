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
	"path/filepath"
	"strings"
	"syscall"
)

// Where the names below come from (read in August 2026): Go is aliyun/credentials-go
// v1.4.14 (credentials/providers), Python aliyun/credentials-python
// (alibabacloud_credentials/utils/auth_util.py), Java aliyun/credentials-java
// (utils/AuthUtils.java), Node aliyun/credentials-nodejs (@alicloud/credentials 2.4.7),
// CLI aliyun/aliyun-cli (config/profile.go, config/configuration.go), Terraform
// aliyun/terraform-provider-alicloud (alicloud/provider.go).

// foreignCredentials are the environment variables through which Alibaba Cloud's
// tools and libraries find an identity other than the served role: long-term or
// temporary keys under every spelling they read, roles and OIDC tokens to assume,
// profiles and files to read, an ECS RAM role to ask the metadata service for. exec
// removes them all from its child's environment.
var foreignCredentials = []struct{ name, readers string }{
	{"ALIBABA_CLOUD_ACCESS_KEY_ID", "Go, Python, Java, Node, CLI, Terraform"},
	{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "Go, Python, Java, Node, CLI, Terraform"},
	{"ALIBABA_CLOUD_SECURITY_TOKEN", "Go, Python, Java, Node, CLI, Terraform"},
	{"ALIBABACLOUD_ACCESS_KEY_ID", "CLI, Terraform"},
	{"ALIBABACLOUD_ACCESS_KEY_SECRET", "CLI, Terraform"},
	{"ALIBABACLOUD_SECURITY_TOKEN", "CLI, Terraform"},
	{"ALICLOUD_ACCESS_KEY_ID", "CLI"},
	{"ALICLOUD_ACCESS_KEY_SECRET", "CLI"},
	{"ALICLOUD_SECURITY_TOKEN", "CLI, Terraform"},
	{"ALICLOUD_ACCESS_KEY", "Terraform"},
	{"ALICLOUD_SECRET_KEY", "Terraform"},
	{"ACCESS_KEY_ID", "CLI"},
	{"ACCESS_KEY_SECRET", "CLI"},
	{"SECURITY_TOKEN", "CLI"},
	{"ALIBABA_CLOUD_ROLE_ARN", "Go, Python, Java, Node, CLI, Terraform"},
	{"ALIBABA_CLOUD_ROLE_SESSION_NAME", "Go, Python, Java, Node, Terraform"},
	{"ALIBABACLOUD_ROLE_ARN", "CLI"},
	{"ALICLOUD_ASSUME_ROLE_ARN", "Terraform"},
	{"ALICLOUD_ASSUME_ROLE_SESSION_NAME", "Terraform"},
	{"ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "Go, Python, Java, Node, CLI, Terraform"},
	{"ALIBABA_CLOUD_OIDC_TOKEN_FILE", "Go, Python, Java, Node, CLI, Terraform"},
	{"ALIBABA_CLOUD_OIDC_TOKEN", "Go, Terraform"},
	{"ALIBABACLOUD_OIDC_PROVIDER_ARN", "CLI"},
	{"ALIBABACLOUD_OIDC_TOKEN_FILE", "CLI"},
	{"ALIBABA_CLOUD_PROFILE", "Go, Python, Java, Node, CLI, Terraform"},
	{"ALIBABACLOUD_PROFILE", "CLI"},
	{"ALICLOUD_PROFILE", "CLI, Terraform"},
	{"ALIBABA_CLOUD_CONFIG_FILE", "Go"},
	{"ALICLOUD_SHARED_CREDENTIALS_FILE", "Terraform"},
	{"ALIBABA_CLOUD_ECS_METADATA", "Go, Python, Java, Node, Terraform"},
	{"ALICLOUD_ECS_ROLE_NAME", "Terraform"},
}

// childEnv returns env for a child that is to take its credentials from uri, and
// from nowhere else. The default chains of the credentials libraries (Go, Python,
// Java, Node) try, in order: environment keys, OIDC (RRSA), the Alibaba Cloud CLI's
// profile, the shared credentials file, the ECS metadata service, and only then
// ALIBABA_CLOUD_CREDENTIALS_URI. So the child loses foreignCredentials, the CLI
// profile and the metadata service are switched off, the shared credentials file is
// an empty one, and the URL is set under both names that are read for it
// (ALICLOUD_CREDENTIALS_URI, which Terraform prefers, too).
func childEnv(env []string, uri string) []string {
	drop := make(map[string]bool, len(foreignCredentials))
	for _, f := range foreignCredentials {
		drop[f.name] = true
	}
	set := [][2]string{
		{EnvCredentialsURI, uri},
		{"ALICLOUD_CREDENTIALS_URI", uri},
		{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true"}, // credentials-go and the other libraries
		{"ALIBABA_CLOUD_IGNORE_PROFILE", "TRUE"},       // the aliyun CLI (config/configuration.go)
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

// startError is bash's answer to a command it cannot start: exit status 127 and
// "command not found" for a name not found in $PATH, 127 for a path that does not
// exist, 126 for one that cannot be executed (no permission, a directory, not a
// program), also when $PATH has the name only as a file that cannot be executed.
func startError(name string, err error) error {
	var pe *fs.PathError
	switch {
	case errors.Is(err, exec.ErrNotFound):
		if found := inPath(name); found != "" {
			return &exitError{126, fmt.Errorf("sts exec: %s: %w", found, fs.ErrPermission)}
		}
		return &exitError{127, fmt.Errorf("sts exec: %s: command not found", name)}
	case errors.As(err, &pe) && errors.Is(pe.Err, fs.ErrNotExist):
		return &exitError{127, fmt.Errorf("sts exec: %s: %w", name, pe.Err)}
	case errors.As(err, &pe):
		return &exitError{126, fmt.Errorf("sts exec: %s: %w", name, pe.Err)}
	}
	return &exitError{126, fmt.Errorf("sts exec: %w", err)}
}

// inPath returns the first regular file named name in a directory of $PATH, or "":
// exec.LookPath passes over one that cannot be executed, which bash reports as such.
func inPath(name string) string {
	if strings.ContainsRune(name, os.PathSeparator) {
		return ""
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// forwarded are the signals exec passes on to its child. Those a terminal sends
// (Ctrl-C, Ctrl-\) reach the child once: when sts holds the terminal, the child runs
// in a process group of its own that is the terminal's foreground group, so the
// terminal signals the child alone, and sts, in the background, passes on only what
// is sent to it (see foreground).
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// startedIgnored is whether sts started with SIGHUP and SIGINT ignored, read before
// main asks to be notified of SIGINT, which undoes an inherited ignoring (Go reports
// an inherited ignoring for these two signals only).
var startedIgnored = map[os.Signal]bool{
	syscall.SIGHUP: signal.Ignored(syscall.SIGHUP),
	syscall.SIGINT: signal.Ignored(syscall.SIGINT),
}

// passedOn is forwarded less the signals sts started with ignored, which it keeps
// ignored and its child inherits ignored, as from a shell: SIGHUP under nohup, SIGINT
// under `trap "" INT`, SIGINT and SIGQUIT for a command that a shell without job
// control starts with & (POSIX has it ignore both). SIGQUIT is ignored along with
// SIGINT: Go does not report it as inherited ignored. Being notified of a signal
// would undo its ignoring, in sts and, through exec, in the child.
func passedOn() []os.Signal {
	if startedIgnored[syscall.SIGINT] {
		signal.Ignore(syscall.SIGINT, syscall.SIGQUIT)
	}
	var out []os.Signal
	for _, s := range forwarded {
		if !startedIgnored[s] && !signal.Ignored(s) {
			out = append(out, s)
		}
	}
	return out
}

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
	listen.clock = role.clock
	srv, err := startCredentialServer(p, *listen)
	if err != nil {
		return err
	}
	defer srv.Close()

	child := exec.Command(command[0], command[1:]...)
	child.Env = childEnv(os.Environ(), srv.URL)
	child.Stdin, child.Stdout, child.Stderr = os.Stdin, stdout, stderr
	term := foreground(child)
	defer term.restore()
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, passedOn()...)
	defer signal.Stop(signals)
	if err := child.Start(); err != nil {
		return startError(command[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- term.wait(child) }()
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
