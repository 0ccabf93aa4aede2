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
// revision>[+dirty]] <Go version>". The module version is "(devel)" for a build from a
// checkout (go build, go install in the module) and v0.x.y for go install ...@v0.x.y;
// the revision and +dirty (uncommitted changes) are there when the build had the VCS
// at hand (go build -buildvcs, the default in a checkout). info is nil when the binary
// carries no build information.
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
