package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestExecTurnsOffTheAliyunCLIProfile: the aliyun CLI takes its identity from
// ~/.aliyun/config.json's current profile whenever that file exists (aliyun-cli
// config/configuration.go, LoadProfileWithContext) and never takes
// ALIBABA_CLOUD_CREDENTIALS_URI from the environment (AutoModeRecognition); its own
// switch is ALIBABA_CLOUD_IGNORE_PROFILE=TRUE, which the child gets, so that under
// sts exec the CLI finds no credentials rather than the long-term key of config.json.
// No aliyun binary is needed: the test holds the environment to the CLI's source.
func TestExecTurnsOffTheAliyunCLIProfile(t *testing.T) {
	env := childEnv([]string{"PATH=/usr/bin"}, "http://127.0.0.1:1/x")
	require.Contains(t, env, "ALIBABA_CLOUD_IGNORE_PROFILE=TRUE",
		"the aliyun CLI in the child still loads ~/.aliyun/config.json's current profile")
}

// TestExecInTheBackgroundLeavesTheTerminal: a user who answers Ctrl-Z with `bg` keeps
// the terminal with the shell: when the child exits, sts takes the terminal back only
// if the child's group still has it (before, it took it from the shell, whose reads
// then got EIO or SIGTTIN). The shell is bash with job control (set -m), session
// leader of a pseudo-terminal, busy in builtins while the test looks.
//
// Nothing here waits for time to pass: the child runs until the test lets it end,
// after the shell has said (a file) that it put the stopped job in the background.
// An earlier version gave the child a fixed sleep and failed on a loaded machine
// when the sleep ended before the terminal delivered Ctrl-Z. The child loops in
// bash builtins and starts no process: dash starts each sleep with vfork, and a
// Ctrl-Z that stops the vforked child before its exec leaves dash waiting for it in
// the kernel, where no stop signal reaches it, so the job never stops (under any
// shell, sts or not).
func TestExecInTheBackgroundLeavesTheTerminal(t *testing.T) {
	srv := fake(t)
	otherIdentities(t)
	sts := binary(t, "sts")
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }
	ready, finish, backgrounded, release, fifo := file("ready"), file("finish"), file("backgrounded"), file("release"), file("fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	script := `set -m
"$1" exec -endpoint "$2" -role-arn "$3" -- bash -c 'echo $PPID > "$0"; until [ -e "$1" ]; do read -t 0.05 x <> "$2"; done' "$4" "$5" "$8"
bg
: > "$6"
while [ ! -e "$7" ]; do read -t 0.05 x <> "$8"; done`
	master, slave := openPTY(t)
	defer master.Close()
	defer slave.Close()
	cmd := exec.Command("bash", "-c", script, "bash", sts, srv.URL, srv.Role().Arn, ready, finish, backgrounded, release, fifo)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}()
	var stsPid int
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(ready)
		_, serr := fmt.Sscan(string(b), &stsPid)
		return err == nil && serr == nil
	}, 20*time.Second, 5*time.Millisecond, "%s", screen(master))
	master.Write([]byte{0x1a}) // Ctrl-Z: the child stops, then sts; the shell runs bg
	require.Eventually(t, func() bool {
		_, err := os.Stat(backgrounded)
		return err == nil
	}, 20*time.Second, 5*time.Millisecond, "the shell never put sts in the background: %s", screen(master))
	require.NoError(t, os.WriteFile(finish, nil, 0o600)) // the child exits, in the background
	require.Eventually(t, func() bool {
		st := processStateOrGone(stsPid)
		return st == "" || st == "Z"
	}, 20*time.Second, 5*time.Millisecond, "sts exec never ended: %s", screen(master))
	fg := foregroundGroup(t, master)
	require.NoError(t, os.WriteFile(release, nil, 0o600))
	require.Equal(t, cmd.Process.Pid, fg, "the terminal's foreground group is sts's (%d), not the shell's", stsPid)
}

// processStateOrGone is processState, or "" when pid is gone.
func processStateOrGone(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b)[strings.LastIndexByte(string(b), ')')+1:])
	return f[0]
}

// TestProfileErrorPrintsNoSecret: with a ~/.aliyun/config.json that is not valid
// JSON (a trailing comma after a hand edit), credentials-go's CLI-profile provider
// returns "unmarshal aliyun cli config from '...' failed: <the whole file>"; the
// client scrubs provider errors, so no profile's access_key_secret reaches stderr or,
// under credential-server, its log.
func TestProfileErrorPrintsNoSecret(t *testing.T) {
	srv := fake(t)
	home := os.Getenv("HOME")
	const secret = "cli-config-secret-4f9a1c"
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".aliyun"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(home, ".aliyun", "config.json"), []byte(
		`{"current":"a","profiles":[{"name":"a","mode":"AK","access_key_id":"LTAIcliprofile","access_key_secret":"`+secret+`"},]}`), 0o600))
	for _, cmd := range [][]string{
		{"assume-role", "-no-cache"},
		{"caller-identity"},
		{"exec", "--", "true"},
	} {
		args := append([]string{cmd[0], "-endpoint", srv.URL, "-profile", "a"}, cmd[1:]...)
		if cmd[0] != "caller-identity" {
			args = append(args[:3], append([]string{"-role-arn", srv.Role().Arn}, args[3:]...)...)
		}
		t.Run(cmd[0], func(t *testing.T) {
			status, out, errs := runCLI(args...)
			require.NotEqual(t, 0, status)
			require.NotContains(t, out+errs, secret)
		})
	}
	t.Run("default chain", func(t *testing.T) { // no -profile, no keys in the environment
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
		status, out, errs := runCLI("caller-identity", "-endpoint", srv.URL)
		require.NotEqual(t, 0, status)
		require.NotContains(t, out+errs, secret)
	})
}
