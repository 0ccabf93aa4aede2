//go:build linux

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

	"github.com/stretchr/testify/assert"
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

// shellJob is sts exec run in a job of bash with job control (set -m), bash being the
// session leader of a pseudo-terminal, as in a terminal window. The child is bash
// too; it writes sts's pid to "ready" and its own to "child", runs work, and then
// waits until the file "finish" exists. Then the shell runs then, the commands that
// answer Ctrl-Z (bg, fg), and stays, busy in builtins, until the file "release"
// exists. waitfor NAME, in both, waits for the file NAME.
//
// Nothing waits for time to pass: each side waits for a file the other writes (the
// tests' timeouts only bound a failure). An earlier test gave the child a fixed sleep
// and failed on a loaded machine when the sleep ended before the terminal delivered
// Ctrl-Z. The child loops in builtins and starts no process: dash starts each sleep
// with vfork, and a Ctrl-Z that stops the vforked child before its exec leaves dash
// waiting for it in the kernel, where no stop signal reaches it, so the job never
// stops (under any shell, sts or not).
type shellJob struct {
	master          *os.File
	shell, sts, kid int
	job             int // sts's process group
	dir             string
}

// stsExec is, in startJob's job, the command line of sts exec and its child.
const stsExec = "STSEXEC"

// waitforFunc defines waitfor NAME, which loops in builtins until the file NAME
// exists (read times out on an empty FIFO).
const waitforFunc = `waitfor() { until [ -e "$DIR/$1" ]; do read -t 0.05 x <> "$DIR/fifo"; done; }`

// reportJobs, in startJob's then, waits for the file "report", then until the shell
// has seen its job stop, and writes what `jobs -l` says to the file "jobs". The state
// a test reads in /proc is that of sts's main thread, which may stop before the
// others; the kernel tells the shell (SIGCHLD, which bash reaps in its handler) once
// the last of them has, later on a loaded machine: `jobs -l` run as soon as the test
// saw sts stopped said "Running".
const reportJobs = `waitfor report; until jobs -l > "$DIR/jobs.tmp"; grep -q Stopped "$DIR/jobs.tmp"; do read -t 0.05 x <> "$DIR/fifo"; done; mv "$DIR/jobs.tmp" "$DIR/jobs"`

// startShellJob runs sts exec as a job of its own.
func startShellJob(t *testing.T, work, then string) *shellJob {
	t.Helper()
	return startJob(t, stsExec, work, then)
}

// startJob runs job, a command line in which stsExec stands for sts exec and its
// child, as the shell's job: sts exec alone, or with other processes in its process
// group (a pipeline, a shell without job control that runs it).
func startJob(t *testing.T, job, work, then string) *shellJob {
	t.Helper()
	srv := fake(t)
	otherIdentities(t)
	sts := binary(t, "sts")
	j := &shellJob{dir: t.TempDir()}
	require.NoError(t, syscall.Mkfifo(j.file("fifo"), 0o600))
	require.NoError(t, os.WriteFile(j.file("kid"), []byte(waitforFunc+`
echo $PPID > "$DIR/ready"; echo $$ > "$DIR/child"; `+work+`; waitfor finish
`), 0o600))
	job = strings.ReplaceAll(job, stsExec, `"$STS" exec -endpoint "$ENDPOINT" -role-arn "$ROLE" -- bash "$DIR/kid"`)
	script := "set -m\n" + waitforFunc + "\nexport -f waitfor\n" + job + "\n" + then + "\nwaitfor release"
	master, slave := openPTY(t)
	t.Cleanup(func() { master.Close(); slave.Close() })
	j.master = master
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = append(os.Environ(), "STS="+sts, "ENDPOINT="+srv.URL, "ROLE="+srv.Role().Arn, "DIR="+j.dir)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		for _, group := range []int{j.job, j.kid} { // the job's group, and the child's own
			if group > 0 {
				syscall.Kill(-group, syscall.SIGKILL)
			}
		}
		<-exited
	})
	j.shell = cmd.Process.Pid
	eventually(t, master, func() bool { return j.readPid("ready", &j.sts) && j.readPid("child", &j.kid) },
		"sts exec did not start the child")
	pgrp, err := syscall.Getpgid(j.sts)
	require.NoError(t, err)
	j.job = pgrp
	return j
}

func (j *shellJob) file(name string) string { return filepath.Join(j.dir, name) }

func (j *shellJob) readPid(name string, pid *int) bool {
	b, err := os.ReadFile(j.file(name))
	_, serr := fmt.Sscan(string(b), pid)
	return err == nil && serr == nil
}

// touch writes the file name, which the shell or the child waits for.
func (j *shellJob) touch(t *testing.T, name string) {
	require.NoError(t, os.WriteFile(j.file(name), nil, 0o600))
}

// await waits for the file name, which the shell writes.
func (j *shellJob) await(t *testing.T, name, what string) {
	t.Helper()
	eventually(t, j.master, func() bool { _, err := os.Stat(j.file(name)); return err == nil }, "%s", what)
}

// ended waits for sts to end (gone, or a zombie the shell has not reaped yet).
func (j *shellJob) ended(t *testing.T) {
	t.Helper()
	eventually(t, j.master, func() bool { st := processStateOrGone(j.sts); return st == "" || st == "Z" }, "sts exec never ended")
}

// TestExecInTheBackgroundLeavesTheTerminal: a user who answers Ctrl-Z with `bg` keeps
// the terminal with the shell: when the child exits, sts takes the terminal back only
// if the child's group still has it (before, it took it from the shell, whose reads
// then got EIO or SIGTTIN).
func TestExecInTheBackgroundLeavesTheTerminal(t *testing.T) {
	j := startShellJob(t, ":", `bg; : > "$DIR/backgrounded"`)
	j.master.Write([]byte{0x1a}) // Ctrl-Z: the child stops, then sts; the shell runs bg
	j.await(t, "backgrounded", "the shell never put sts in the background")
	j.touch(t, "finish") // the child exits, in the background
	j.ended(t)
	fg := foregroundGroup(t, j.master)
	j.touch(t, "release")
	require.Equal(t, j.shell, fg, "the terminal's foreground group is sts's (%d), not the shell's", j.sts)
}

// TestExecStopsAndContinuesUnderAShell: Ctrl-Z stops the child and sts, so that the
// shell sees its job stop and takes the terminal; `fg` continues both and the child
// has the terminal again; when it exits, the shell has it back.
func TestExecStopsAndContinuesUnderAShell(t *testing.T) {
	stopAndContinue(t, stsExec)
}

// TestExecInTheBackgroundStopsWithoutTheTerminal: after Ctrl-Z and bg, a child that
// reads the terminal stops (SIGTTIN), and sts stops with it, with the same signal, so
// that the shell sees its job stop for what it is ("Stopped (tty input)"; a SIGTSTP
// would also make bash break out of the loop it runs); the terminal stays the
// shell's: sts takes it back only from its child. `fg` then gives it to the child,
// whose read gets what is typed.
func TestExecInTheBackgroundStopsWithoutTheTerminal(t *testing.T) {
	j := startShellJob(t, `waitfor read; read -r line; echo "$line" > "$DIR/line.tmp"; mv "$DIR/line.tmp" "$DIR/line"`,
		`bg; : > "$DIR/backgrounded"; `+reportJobs+`; waitfor resume; fg`)
	j.master.Write([]byte{0x1a})
	j.await(t, "backgrounded", "the shell never put sts in the background")
	j.touch(t, "read") // the child reads the terminal from the background
	if !assert.Eventually(t, func() bool { return processStateOrGone(j.kid) == "T" && processStateOrGone(j.sts) == "T" },
		20*time.Second, 5*time.Millisecond) {
		t.Fatalf("the child (%s) and sts (%s) did not stop on reading the terminal in the background",
			processStateOrGone(j.kid), processStateOrGone(j.sts))
	}
	require.Equal(t, j.shell, foregroundGroup(t, j.master), "sts took the terminal from the shell (sts %d, child %d)", j.sts, j.kid)
	j.touch(t, "report")
	j.await(t, "jobs", "the shell never saw its job stop")
	jobs, err := os.ReadFile(j.file("jobs"))
	require.NoError(t, err)
	require.Contains(t, string(jobs), "Stopped (tty input)")
	j.touch(t, "resume") // the shell runs fg
	require.Eventually(t, func() bool { return foregroundGroup(t, j.master) == j.kid }, 20*time.Second, 5*time.Millisecond,
		"fg did not give the child the terminal")
	j.readsTypedLine(t, "the child's read never returned")
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
