// Command sts calls Alibaba Cloud STS from a shell, and runs the fake STS standalone.
//
//	sts assume-role -role-arn acs:ram::1234567890123456:role/app [-format json|env|external]
//	sts assume-role-with-oidc [-role-arn ...] [-oidc-provider-arn ...] [-token-file ...]
//	sts caller-identity
//	sts credential-server -role-arn ...   # serves ALIBABA_CLOUD_CREDENTIALS_URI
//	sts exec -role-arn ... -- command args...
//	sts serve [-port 8080]
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
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks a mistake in the command line: exit status 2.
var errUsage = errors.New("usage")

const usage = `usage: sts <command> [flags]

commands:
  assume-role             assume a role; print its temporary credentials
  assume-role-with-oidc   trade an OIDC token for a role's credentials (ACK RRSA)
  caller-identity         say whose credentials sign requests
  credential-server       serve a role's refreshed credentials at a secret loopback URL
                          for ALIBABA_CLOUD_CREDENTIALS_URI, until interrupted
  exec                    run a command with a role's refreshed credentials and no
                          long-term keys: sts exec [flags] -- command [args...]
  serve                   run the fake STS on loopback until interrupted

"sts <command> -h" lists a command's flags.
`

// run is the whole program, for tests: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	commands := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"assume-role":           assumeRole,
		"assume-role-with-oidc": assumeRoleWithOIDC,
		"caller-identity":       callerIdentity,
		"credential-server":     credentialServerCmd,
		"exec":                  execCmd,
		"serve":                 serve,
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "sts: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	var status exitStatus
	switch {
	case err == nil:
		return 0
	case errors.As(err, &status):
		return int(status)
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintln(stderr, err)
	return 1
}
