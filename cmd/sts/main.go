// Command sts calls Alibaba Cloud STS from a shell, and runs the fake STS standalone.
//
//	sts assume-role -role-arn acs:ram::1234567890123456:role/app [-format json|env|external]
//	sts assume-role-with-oidc [-role-arn ...] [-oidc-provider-arn ...] [-token-file ...]
//	sts caller-identity
//	sts credential-server -role-arn ...   # serves ALIBABA_CLOUD_CREDENTIALS_URI
//	sts exec -role-arn ... -- command args...
//	sts serve [-port 8080]
//	sts help [command]
//	sts version
//
// Signed commands take their credentials from credentials-go's default chain
// (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, a profile, an ECS
// RAM role, ...). The credentials printed by assume-role are secrets: the formats are
// JSON, shell export lines (eval "$(sts assume-role ... -format env)"), and the JSON
// that the Alibaba Cloud CLI's External mode and credentials-go's external provider
// read.
//
// credential-server and exec serve a role's refreshed credentials at a secret loopback
// URL, for ALIBABA_CLOUD_CREDENTIALS_URI, which every Alibaba Cloud credentials library
// reads: exec runs a command with it and with no long-term key in its environment.
//
// Exit status: 0 on success (a help request included), 1 when the call fails, 2 for a
// mistake in the command line; exec exits with its child's status, 127 when the
// command is not found and 126 when it cannot be executed, as a shell does.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// command is one of sts's commands.
type command struct {
	name    string
	summary string // what it does, in one line of the usage
	args    string // what follows the name in its usage line
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands lists sts's commands in the order the usage shows them. It is a function,
// not a variable, because help refers to it.
func commands() []command {
	return []command{
		{"assume-role", "assume a role and print its temporary credentials", "[flags]", assumeRole},
		{"assume-role-with-oidc", "trade an OIDC token for a role's credentials (ACK RRSA)", "[flags]", assumeRoleWithOIDC},
		{"caller-identity", "say whose credentials sign requests", "[flags]", callerIdentity},
		{"credential-server", "serve a role's credentials at a secret loopback URL for ALIBABA_CLOUD_CREDENTIALS_URI", "[flags]", credentialServerCmd},
		{"exec", "run a command with a role's refreshed credentials and no long-term key", "[flags] -- command [args...]", execCmd},
		{"serve", "run the fake STS on loopback until interrupted", "[flags]", serve},
		{"help", "print this, or a command's usage and flags", "[command]", helpCmd},
		{"version", "print the module version and VCS revision of this build", "", versionCmd},
	}
}

// usageLine is "sts <name> <args>".
func (c command) usageLine() string {
	return strings.TrimSpace("sts " + c.name + " " + c.args)
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usage is the top-level usage.
func usage() string {
	var b strings.Builder
	b.WriteString("usage: sts <command> [flags]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-23s %s\n", c.name, c.summary)
	}
	b.WriteString("\n\"sts help <command>\" or \"sts <command> -h\" prints a command's usage and flags.\n")
	return b.String()
}

// usageError is a mistake in the command line. run prints it as "sts <command>:
// <message>" with the command's usage line, and exits with status 2.
type usageError string

func (e usageError) Error() string { return string(e) }

// usagef returns a usageError.
func usagef(format string, args ...any) error { return usageError(fmt.Sprintf(format, args...)) }

// helpRequest is what parsing a command's flags returns for -h, -help or --help: run
// prints the command's usage and flags to stdout and exits with status 0.
type helpRequest struct{ fs *flag.FlagSet }

func (helpRequest) Error() string { return "help requested" }

// exitError is an error with an exit status of its own: run prints err and exits with
// status.
type exitError struct {
	status int
	err    error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// run is the whole program, for tests: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "sts: no command given\n\n%s", usage())
		return 2
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	case "-version", "--version":
		name = "version"
	}
	c, ok := lookup(name)
	if !ok {
		if strings.HasPrefix(name, "-") {
			fmt.Fprintf(stderr, "sts: %s is not a command; flags go after the command: sts <command> [flags]\n", name)
		} else {
			fmt.Fprintf(stderr, "sts: unknown command %q\n", name)
		}
		fmt.Fprintln(stderr, `"sts help" lists the commands`)
		return 2
	}
	err := c.run(ctx, args[1:], stdout, stderr)
	if msg, ok := flagErrors(err); ok {
		err = usageError(msg)
	}
	var (
		status exitStatus
		exit   *exitError
		help   helpRequest
		bad    usageError
	)
	switch {
	case err == nil:
		return 0
	case errors.As(err, &status):
		return int(status)
	case errors.As(err, &exit):
		fmt.Fprintln(stderr, exit.err)
		return exit.status
	case errors.As(err, &help):
		// The flag set is the command's own, named "sts <command>": the one asked
		// about, which for "sts help <command>" is not c.
		asked, _ := lookup(strings.TrimPrefix(help.fs.Name(), "sts "))
		printHelp(stdout, asked, help.fs)
		return 0
	case errors.As(err, &bad):
		fmt.Fprintf(stderr, "sts %s: %s\nusage: %s (see \"sts help %s\")\n", c.name, bad, c.usageLine(), c.name)
		return 2
	}
	fmt.Fprintln(stderr, err)
	return 1
}

// printHelp prints c's summary, usage line and flags.
func printHelp(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "sts %s: %s\n\nusage: %s\n", c.name, c.summary, c.usageLine())
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprint(w, "\nflags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

// helpCmd prints the top-level usage, or a command's usage and flags, to stdout.
func helpCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("help")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stdout, usage())
		return nil
	}
	if fs.NArg() > 1 {
		return usagef("unexpected argument %q", fs.Arg(1))
	}
	c, ok := lookup(fs.Arg(0))
	if !ok {
		return usagef("unknown command %q", fs.Arg(0))
	}
	return c.run(ctx, []string{"-h"}, stdout, stderr) // a helpRequest for run to print
}
