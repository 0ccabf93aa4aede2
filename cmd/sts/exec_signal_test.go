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
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair, as a terminal emulator does.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	require.NoError(t, control(master, func(fd int) error { return unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0) }))
	var n int
	require.NoError(t, control(master, func(fd int) (err error) { n, err = unix.IoctlGetInt(fd, unix.TIOCGPTN); return err }))
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	require.NoError(t, err)
	return master, slave
}

// control runs f on f's descriptor without making it blocking (as Fd would), so that
// reads of the master keep their deadlines.
func control(file *os.File, f func(fd int) error) error {
	rc, err := file.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

// foregroundGroup is the terminal's foreground process group, read from its master.
func foregroundGroup(t *testing.T, master *os.File) int {
	var pgrp int
	require.NoError(t, control(master, func(fd int) (err error) { pgrp, err = unix.IoctlGetInt(fd, unix.TIOCGPGRP); return err }))
	return pgrp
}

// eventually is require.Eventually, 20 s every 5 ms, whose failure message ends with
// what the terminal shows then (not when the wait began: reading it takes a moment).
func eventually(t *testing.T, master *os.File, cond func() bool, format string, args ...any) {
	t.Helper()
	if !assert.Eventually(t, cond, 20*time.Second, 5*time.Millisecond) {
		t.Fatalf(format+"; the terminal shows: %q", append(args, screen(master))...)
	}
}

// screen is what the terminal shows, read for a moment: for failure messages.
func screen(master *os.File) string {
	master.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	b := make([]byte, 64<<10)
	n, _ := master.Read(b)
	return string(b[:max(n, 0)])
}

// processState is the state letter of pid in /proc (R, S, T for stopped, ...).
func processState(t *testing.T, pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	require.NoError(t, err)
	fields := strings.Fields(string(b)[strings.LastIndexByte(string(b), ')')+1:])
	return fields[0]
}

// logged is what sigcount wrote to log: the signals it received, in order.
func logged(log string) []string {
	b, _ := os.ReadFile(log)
	return strings.Fields(strings.ReplaceAll(string(b), "user defined signal ", "usr"))
}

// TestExecSignalsReachTheChildOnce runs sts exec as the session leader of a real
// pseudo-terminal, as a shell's foreground job is, with a child that logs every signal
// it receives. Ctrl-C and Ctrl-\ typed at the terminal reach the child once; signals
// sent to sts's pid alone are passed on once; Ctrl-Z, with no shell above sts, is
// undone at once.
func TestExecSignalsReachTheChildOnce(t *testing.T) {
	srv := fake(t)
	otherIdentities(t)
	sts, sigcount := binary(t, "sts"), binary(t, "sigcount")

	tests := []struct {
		name string
		act  func(t *testing.T, master *os.File, stsPid, childPid int, log string)
		want []string
	}{
		{"Ctrl-C", func(t *testing.T, m *os.File, _, _ int, _ string) { m.Write([]byte{3}) }, []string{"interrupt"}},
		{"Ctrl-backslash", func(t *testing.T, m *os.File, _, _ int, _ string) { m.Write([]byte{0x1c}) }, []string{"quit"}},
		{"kill sts", func(t *testing.T, _ *os.File, stsPid, _ int, log string) {
			for i, s := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
				require.NoError(t, syscall.Kill(stsPid, s))
				require.Eventually(t, func() bool { return len(logged(log)) == i+1 }, 20*time.Second, 5*time.Millisecond,
					"%s: %q", s, logged(log))
			}
		}, []string{"interrupt", "terminated", "hangup", "quit"}},
		{"Ctrl-Z with no shell above", func(t *testing.T, m *os.File, stsPid, childPid int, log string) {
			// sts is a session leader here, as under `ssh -t host sts exec -- vim`: no
			// shell could continue it, so it does not stop, and it continues its child,
			// as the kernel does with Ctrl-Z in such a group. A shell's job stops
			// (TestExecStopsAndContinuesUnderAShell).
			m.Write([]byte{0x1a})
			require.Eventually(t, func() bool { return len(logged(log)) == 1 }, 20*time.Second, 5*time.Millisecond,
				"the child was never continued: sts %s, child %s", processState(t, stsPid), processState(t, childPid))
			require.NotEqual(t, "T", processState(t, stsPid))
			require.Equal(t, childPid, foregroundGroup(t, m), "the child has the terminal again")
		}, []string{"continued"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			master, slave := openPTY(t) // what the terminal echoes (a few bytes) is left unread
			defer master.Close()
			defer slave.Close()

			log := filepath.Join(t.TempDir(), "signals")
			cmd := exec.Command(sts, "exec", "-endpoint", srv.URL, "-role-arn", srv.Role().Arn, "--", sigcount, log)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
			require.NoError(t, cmd.Start())
			exited := make(chan struct{})
			var waitErr error
			go func() { waitErr = cmd.Wait(); close(exited) }()
			childPid := 0
			defer func() {
				cmd.Process.Kill()
				if childPid > 0 { // the child has a process group of its own: a failed test must not leave it running
					syscall.Kill(-childPid, syscall.SIGKILL)
				}
				<-exited
			}()
			eventually(t, master, func() bool { _, err := os.Stat(log + ".ready"); return err == nil }, "sts exec did not start the child")
			childPid = foregroundGroup(t, master)
			require.NotEqual(t, cmd.Process.Pid, childPid, "the child's group has the terminal")

			tc.act(t, master, cmd.Process.Pid, childPid, log)
			require.Eventually(t, func() bool { return len(logged(log)) >= len(tc.want) }, 20*time.Second, 5*time.Millisecond)
			// sts passes signals on in order: once USR1 is logged, any second copy
			// of what came before would be too.
			require.NoError(t, syscall.Kill(cmd.Process.Pid, syscall.SIGUSR1))
			var got []string
			require.Eventually(t, func() bool {
				got = logged(log)
				return len(got) > 0 && got[len(got)-1] == "usr1"
			}, 20*time.Second, 5*time.Millisecond, "%q", logged(log))
			require.Equal(t, append(append([]string(nil), tc.want...), "usr1"), got)

			require.NoError(t, syscall.Kill(cmd.Process.Pid, syscall.SIGUSR2)) // the child exits 0
			<-exited
			if !assert.NoError(t, waitErr) {
				t.Fatalf("the terminal shows: %q", screen(master))
			}
		})
	}
}
