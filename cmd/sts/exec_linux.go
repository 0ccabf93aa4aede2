package main

import (
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// terminal is the controlling terminal that sts held in the foreground when it started
// its child, or none.
//
// A terminal sends SIGINT (Ctrl-C) and SIGQUIT (Ctrl-\) to every process of its
// foreground process group. Were the child in sts's group, it would get each twice:
// from the terminal, and from sts passing on its own copy; and sts cannot tell a
// signal from the terminal from one sent to it alone (kill -INT <sts pid>), which it
// must pass on. So, as sudo and shells do, the child runs in a process group of its
// own made the terminal's foreground group: the terminal signals the child alone, and
// whatever reaches sts was sent to sts and is passed on once. Job control follows:
// when the child stops (Ctrl-Z), sts takes the terminal back (if the child had it)
// and stops itself and the rest of its group, so the shell sees the job stop; when
// continued, it gives the terminal back (if the shell gave it the foreground) and
// continues the child. With no shell above to continue it, sts does not stop and
// continues the child at once, as the kernel treats Ctrl-Z in such a group (see
// stop).
type terminal struct {
	tty   *os.File // nil: no terminal held; the child stays in sts's group
	child int      // the child's process group, once started

	mu       sync.Mutex
	stopping bool          // from the child's stop until sts has continued it (see resumed)
	stopped  chan struct{} // wait's word to resumed that a stop has ended
}

// foregroundPoll is how often sts looks whether fg gave it the terminal, while it
// runs in the background (see resumed).
const foregroundPoll = 100 * time.Millisecond

// cldStopped is siginfo's si_code for a child that stopped (CLD_STOPPED).
const cldStopped = 5

// foreground sets child up to run as the terminal's foreground process group, when
// sts has a controlling terminal and is in its foreground group, and did not start
// with SIGINT ignored: a shell without job control starts a command with & so, in the
// shell's process group, which stays the terminal's foreground group (the shell may
// read the terminal next); and sts and its child ignore a Ctrl-C there anyway.
func foreground(child *exec.Cmd) *terminal {
	if startedIgnored[syscall.SIGINT] {
		return &terminal{}
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return &terminal{} // no controlling terminal
	}
	if pgrp, err := unix.IoctlGetInt(int(tty.Fd()), unix.TIOCGPGRP); err != nil || pgrp != syscall.Getpgrp() {
		tty.Close() // in the background: the terminal signals neither sts nor the child
		return &terminal{}
	}
	// Go's fork places the child's new group in the foreground before it unblocks
	// signals, so the child gets no SIGTTOU for it.
	child.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Foreground: true, Ctty: int(tty.Fd())}
	return &terminal{tty: tty}
}

// wait waits for child to exit, following its stops as the type says, and sts's own
// continues (see resumed).
func (t *terminal) wait(child *exec.Cmd) error {
	if t.tty == nil {
		return child.Wait()
	}
	pid := child.Process.Pid
	t.child = pid
	continued := make(chan os.Signal, 1)
	signal.Notify(continued, syscall.SIGCONT)
	t.stopped = make(chan struct{}, 1)
	done := make(chan struct{})
	var following sync.WaitGroup
	following.Go(func() {
		poll := time.NewTicker(foregroundPoll)
		defer poll.Stop()
		var background <-chan time.Time // poll's, while sts runs without the terminal
		for {
			select {
			case <-continued:
			case <-t.stopped:
			case <-background:
			case <-done:
				return
			}
			background = nil
			if t.resumed() {
				background = poll.C
			}
		}
	})
	defer following.Wait() // no terminal handed on after wait returns
	defer close(done)
	defer signal.Stop(continued)
	for {
		var info unix.Siginfo // WNOWAIT: the exit is left for child.Wait to collect
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WSTOPPED|unix.WNOWAIT, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || info.Code != cldStopped {
			return child.Wait()
		}
		t.mu.Lock()
		t.stopping = true
		t.mu.Unlock()
		t.reclaim()
		stop(stopSignal(&info)) // returns when the shell continues sts (bg or fg), or at once without one
		t.mu.Lock()
		if t.holds() {
			t.setForeground(pid)
		}
		syscall.Kill(-pid, syscall.SIGCONT)
		t.stopping = false
		t.mu.Unlock()
		select {
		case t.stopped <- struct{}{}:
		default: // resumed has a word waiting already
		}
	}
}

// resumed hands the terminal on to the child when the shell gave it to sts's group
// while the child runs: fg after bg, or after another process stopped sts (kill
// -STOP). Were the child left in the background, a Ctrl-Z would stop sts alone, and
// the child would stop at its first read of the terminal. bash's fg sends no SIGCONT
// to a job that runs already (after bg), so nothing tells sts that it has the
// terminal: it looks, every foregroundPoll, for as long as it runs without it;
// resumed reports whether it does. It also looks on every SIGCONT (the one that ends
// its own stop too, perhaps late, even during the next stop, when sts holds the
// terminal only to stop: passed over while stopping) and after each stop.
func (t *terminal) resumed() (background bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopping {
		return false // wait will say when the stop has ended
	}
	switch owner := t.owner(); owner {
	case syscall.Getpgrp():
		t.setForeground(t.child)
		return false
	default:
		return owner != 0 && owner != t.child
	}
}

// stopSignal is the signal that stopped the child, for sts to stop with: the shell
// then reports the job as the child's stop ("Stopped (tty input)" for SIGTTIN), and
// bash breaks out of a running loop only when a job stops with SIGTSTP, the signal of
// Ctrl-Z, not when a child in the background reads the terminal. A child stopped by
// SIGSTOP makes sts stop with SIGTSTP (see stop).
//
// waitid reports the signal in siginfo's si_status, which x/sys/unix's Siginfo
// leaves unnamed: siginfo_t's union starts after three ints, padded to the size of a
// pointer, and for SIGCHLD holds si_pid, si_uid, then si_status.
func stopSignal(info *unix.Siginfo) syscall.Signal {
	const word = unsafe.Sizeof(uintptr(0))
	union := (3*unsafe.Sizeof(int32(0)) + word - 1) &^ (word - 1)
	switch sig := syscall.Signal(*(*int32)(unsafe.Add(unsafe.Pointer(info), union+8))); sig {
	case syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU:
		return sig
	}
	return syscall.SIGTSTP
}

// stop stops sts, every thread of it, with sig (SIGTSTP, SIGTTIN or SIGTTOU), as the
// terminal stops a program, and returns once it is continued; or at once when no
// shell could continue it. It stops the other processes of sts's process group too,
// as the terminal would have, had the child stayed in that group: a shell without
// job control that runs sts (sh -c, a script, make), a pipeline's other commands. A
// job-control shell sees its job stop only when the processes it watches have, and
// until then it leaves the terminal to the job, whose processes all wait.
//
// It never sends SIGSTOP: the kernel discards the other three in a process group that
// no job-control shell watches (an orphaned group: sts run as a session leader, as by
// `ssh -t host sts exec -- vim` or a terminal multiplexer's window, whose shell
// execs it), where a SIGSTOP would stop sts with nobody left to continue it and the
// terminal would hang. Go leaves their default action (stop) in place as long as the
// program does not ask to be notified of them, and sts does not.
//
// stop must not return before sts has stopped: a signal sent to a process goes to one
// of its threads, and the caller runs on until that thread has stopped the rest. In
// that moment it would see the terminal still its own, before the shell took it
// back, and give it to the child from the background. So the calling thread sends
// the stop to itself too, first, with the signal blocked in it; then one signal goes
// to the whole group, sts included, as the terminal sends it; then the calling
// thread unblocks the signal and takes its own stop before the system call returns
// (raise(3)'s promise), unless another thread has stopped sts already. A stop taken
// by any thread stops every thread, and the SIGCONT that ends it discards every
// stop still pending, the calling thread's too: sts stops once.
//
// Pending first, because a job-control shell that watches another process of the
// group (sh -c runs sts) may see its job stop before sts has, and continue it (fg,
// bg) at once: the SIGCONT discards sts's pending stop, as it does every other
// process's, and sts runs on with its job, where a stop sent after the others would
// stop it after the continue, for good.
func stop(sig syscall.Signal) {
	stopAfter(sig, func() { unix.Kill(-syscall.Getpgrp(), sig) })
}

// stopAfter stops the calling thread's process with sig once others has run, with
// the stop pending meanwhile (see stop).
func stopAfter(sig syscall.Signal, others func()) {
	// The stop is taken as the mask is restored, unless a SIGCONT discarded it.
	withBlocked(sig, func() {
		unix.Tgkill(unix.Getpid(), unix.Gettid(), sig) // the thread that returns
		others()
	})
}

// withBlocked runs f on one thread with sig (a signal below 32) blocked in it, and
// restores the thread's signal mask before it lets the thread go.
func withBlocked(sig syscall.Signal, f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var held, old unix.Sigset_t
	held.Val[0] = 1 << (sig - 1)
	unix.PthreadSigmask(unix.SIG_BLOCK, &held, &old)
	defer unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	f()
}

// owner is the terminal's foreground process group, or 0 when it cannot be read.
func (t *terminal) owner() int {
	pgrp, err := unix.IoctlGetInt(int(t.tty.Fd()), unix.TIOCGPGRP)
	if err != nil {
		return 0
	}
	return pgrp
}

// holds reports whether sts's group is the terminal's foreground group.
func (t *terminal) holds() bool { return t.owner() == syscall.Getpgrp() }

// setForeground makes pgrp the terminal's foreground group. sts may be in the
// background when it does; the kernel allows that only with SIGTTOU ignored or
// blocked in the calling thread. It is blocked, as Go's fork does for Foreground:
// signal.Ignore is not undone by signal.Reset for SIGTTOU (Go installs no handler of
// its own for it, and Reset leaves SIG_IGN in place), and sts, ignoring it, would
// never stop for a child stopped by terminal output (see stop).
func (t *terminal) setForeground(pgrp int) {
	withBlocked(syscall.SIGTTOU, func() { unix.IoctlSetPointerInt(int(t.tty.Fd()), unix.TIOCSPGRP, pgrp) })
}

// restore gives the terminal back to sts's group after the child (see reclaim) and
// lets it go.
func (t *terminal) restore() {
	if t.tty == nil {
		return
	}
	t.reclaim()
	t.tty.Close()
}

// reclaim gives the terminal back to sts's group if the child's group has it. When
// sts runs in the background (Ctrl-Z, bg), the shell has it, and it stays the
// shell's: a child that stops there (reading the terminal: SIGTTIN) or exits does not
// take it from the shell through sts.
func (t *terminal) reclaim() {
	if t.owner() == t.child {
		t.setForeground(syscall.Getpgrp())
	}
}
