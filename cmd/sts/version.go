package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
)

func versionCmd(_ context.Context, args []string, stdout, _ io.Writer) error {
	if err := parse(newFlagSet("version"), args); err != nil {
		return err
	}
	info, _ := debug.ReadBuildInfo() // nil without build information
	_, err := fmt.Fprintln(stdout, versionLine(info))
	return err
}

// versionLine says which build of sts this is: "sts <module version> [<VCS
// revision>[+dirty]] <Go version>". The module version is v0.x.y for go install
// ...@v0.x.y, a pseudo-version (v0.0.0-<time>-<revision>[+dirty]) for a build in a git
// checkout, and "(devel)" when go had no VCS information (-buildvcs=false, a git
// worktree, a copy of the source). The full revision, and +dirty for uncommitted
// changes, come from the VCS stamp. info is nil when the binary carries no build
// information.
func versionLine(info *debug.BuildInfo) string {
	if info == nil {
		return "sts (devel) (no build information)"
	}
	line := "sts " + info.Main.Version
	if info.Main.Version == "" {
		line = "sts (devel)"
	}
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision != "" {
		line += " " + revision
		if modified == "true" {
			line += "+dirty"
		}
	}
	if info.GoVersion != "" {
		line += " " + info.GoVersion
	}
	return line
}
