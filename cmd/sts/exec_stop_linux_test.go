package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/stsgo/sts/internal/syncbuf"
)

// stopCycles is how many times TestStopReturnsOnlyOnceContinued stops its helper.
const stopCycles = 200

// TestStopReturnsOnlyOnceContinued holds stop's promise: it returns only after the
// process has been stopped and continued, never in the moment before every thread has
// stopped. Were it to return early, sts after Ctrl-Z would see the terminal still its
// own and, from the background the shell then puts it in, hand the terminal to its
// child, taking it from the shell (seen on a loaded machine with kill(getpid())).
//
// The helper, this test binary again, stops itself stopCycles times and, each time
// stop returns, reads its stdin without waiting. The test writes a byte only once it
// sees the helper stopped (state T), then continues it: a read that finds no byte
// returned before SIGCONT.
func TestStopReturnsOnlyOnceContinued(t *testing.T) {
	if os.Getenv("STS_STOP_HELPER") == "1" {
		stopHelper()
		return
	}
	helper := exec.Command(os.Args[0], "-test.run=^TestStopReturnsOnlyOnceContinued$")
	helper.Env = append(os.Environ(), "STS_STOP_HELPER=1")
	// A group of its own, whose parent (this test) is in the same session: a group
	// a shell could continue, as a shell's job is, wherever the test runs.
	helper.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in, err := helper.StdinPipe()
	require.NoError(t, err)
	out := &syncbuf.Buffer{}
	helper.Stdout, helper.Stderr = out, out
	require.NoError(t, helper.Start())
	defer func() {
		helper.Process.Kill()
		helper.Wait()
	}()
	for i := 0; i < stopCycles; i++ {
		var st string
		require.Eventually(t, func() bool {
			st = processStateOrGone(helper.Process.Pid)
			return st == "T" || st == "Z" || st == ""
		}, 20*time.Second, time.Millisecond, "cycle %d: the helper never stopped", i)
		require.Equal(t, "T", st, "cycle %d: the helper ended: %s", i, out)
		_, err := in.Write([]byte{1})
		require.NoError(t, err)
		require.NoError(t, helper.Process.Signal(syscall.SIGCONT))
	}
	in.Close()
	require.NoError(t, helper.Wait(), "%s", out)
}

// stopHelper is the helper's side: stop, then a byte must be waiting.
func stopHelper() {
	if err := syscall.SetNonblock(0, true); err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	done := make(chan int)
	go func() { // not the main thread, to which the kernel would hand kill(getpid())
		for i := 0; i < stopCycles; i++ {
			stop(syscall.SIGTSTP)
			var b [1]byte
			if _, err := syscall.Read(0, b[:]); errors.Is(err, syscall.EAGAIN) {
				fmt.Printf("cycle %d: stop returned before the process was continued\n", i)
				done <- 1
				return
			}
		}
		done <- 0
	}()
	os.Exit(<-done)
}

// TestStopInAGroupNoShellWatches: run as a session leader, as `ssh -t host sts exec
// -- vim` runs it, sts's process group has no parent that could continue it; stop
// returns at once instead of stopping sts for good (a SIGSTOP would).
func TestStopInAGroupNoShellWatches(t *testing.T) {
	if os.Getenv("STS_STOP_HELPER") == "orphaned" {
		stop(syscall.SIGTSTP)
		return
	}
	helper := exec.Command(os.Args[0], "-test.run=^TestStopInAGroupNoShellWatches$")
	helper.Env = append(os.Environ(), "STS_STOP_HELPER=orphaned")
	helper.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out := &syncbuf.Buffer{}
	helper.Stdout, helper.Stderr = out, out
	require.NoError(t, helper.Start())
	exited := make(chan error, 1)
	go func() { exited <- helper.Wait() }()
	select {
	case err := <-exited:
		require.NoError(t, err, "%s", out)
	case <-time.After(20 * time.Second):
		st := processStateOrGone(helper.Process.Pid)
		helper.Process.Kill()
		<-exited
		t.Fatalf("stop did not return in a group no shell watches (state %s): %s", st, out)
	}
}

// TestStopSignalIsTheChilds: stopSignal reads the signal that stopped a child from
// waitid's report, as sts stops with it; a SIGSTOP is answered with SIGTSTP, which the
// kernel discards where no shell could continue sts.
func TestStopSignalIsTheChilds(t *testing.T) {
	for _, tc := range []struct{ sent, want syscall.Signal }{
		{syscall.SIGTSTP, syscall.SIGTSTP},
		{syscall.SIGTTIN, syscall.SIGTTIN},
		{syscall.SIGTTOU, syscall.SIGTTOU},
		{syscall.SIGSTOP, syscall.SIGTSTP},
	} {
		t.Run(tc.sent.String(), func(t *testing.T) {
			child := exec.Command("sleep", "1000")
			child.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a group a shell could continue: the stop is not discarded
			require.NoError(t, child.Start())
			defer func() {
				child.Process.Kill()
				child.Wait()
			}()
			require.NoError(t, child.Process.Signal(tc.sent))
			var info unix.Siginfo
			for {
				err := unix.Waitid(unix.P_PID, child.Process.Pid, &info, unix.WSTOPPED|unix.WNOWAIT, nil)
				if err != syscall.EINTR {
					require.NoError(t, err)
					break
				}
			}
			require.Equal(t, int32(cldStopped), info.Code)
			require.Equal(t, tc.want, stopSignal(&info))
		})
	}
}

// TestStopYieldsToAContinueSentMeanwhile: a shell that runs sts (sh -c) sees its job
// stop once that shell has stopped, which may be before sts has; a SIGCONT the
// job-control shell sends the group in that moment (fg, bg) must leave sts and the
// rest of its group running, as it leaves running any process of a group whose stop
// it overtakes. sts stopped itself after the others, so after such a continue it
// stopped for good, the shell waiting on it and the child stopped: a hung job.
//
// The helper, in a group of its own with two peers (sleep), stops the group and
// waits, inside stop, for a byte the test writes once it has seen the peers stopped
// and sent the group SIGCONT; stop must then return without stopping the helper, and
// the peers run.
func TestStopYieldsToAContinueSentMeanwhile(t *testing.T) {
	if os.Getenv("STS_STOP_HELPER") == "overtaken" {
		for range 2 {
			peer := exec.Command("sleep", "1000")
			peer.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: os.Getpid()}
			if err := peer.Start(); err != nil {
				fmt.Println(err)
				os.Exit(2)
			}
			fmt.Println(peer.Process.Pid)
		}
		stopAfter(syscall.SIGTSTP, func() {
			syscall.Kill(-syscall.Getpgrp(), syscall.SIGTSTP) // as stop does
			var b [1]byte
			os.Stdin.Read(b[:]) // the test has continued the group
		})
		return
	}
	helper := exec.Command(os.Args[0], "-test.run=^TestStopYieldsToAContinueSentMeanwhile$")
	helper.Env = append(os.Environ(), "STS_STOP_HELPER=overtaken")
	helper.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a group a shell could continue
	in, err := helper.StdinPipe()
	require.NoError(t, err)
	stdout, err := helper.StdoutPipe()
	require.NoError(t, err)
	errs := &syncbuf.Buffer{}
	helper.Stderr = errs
	require.NoError(t, helper.Start())
	group := helper.Process.Pid
	exited := make(chan error, 1)
	defer func() {
		syscall.Kill(-group, syscall.SIGKILL)
		<-exited
	}()
	peers := make([]int, 2)
	_, err = fmt.Fscanln(stdout, &peers[0])
	require.NoError(t, err, "the helper named no peer: %s", errs)
	_, err = fmt.Fscanln(stdout, &peers[1])
	require.NoError(t, err, "the helper named one peer: %s", errs)
	go func() { io.Copy(io.Discard, stdout); exited <- helper.Wait() }()

	require.Eventually(t, func() bool { return processStateOrGone(peers[0]) == "T" && processStateOrGone(peers[1]) == "T" },
		20*time.Second, time.Millisecond, "the peers never stopped")
	require.NoError(t, syscall.Kill(-group, syscall.SIGCONT)) // the shell's fg
	_, err = in.Write([]byte{1})
	require.NoError(t, err)
	select {
	case err := <-exited:
		require.NoError(t, err, "%s", errs)
		exited <- nil
	case <-time.After(20 * time.Second):
		t.Fatalf("stop stopped the helper after its group was continued (state %s)", processStateOrGone(group))
	}
	for _, p := range peers {
		require.NotEqual(t, "T", processStateOrGone(p), "a peer stayed stopped after the group was continued")
	}
}
