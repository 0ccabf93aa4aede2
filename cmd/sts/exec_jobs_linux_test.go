//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ignoredSignals reads the SigIgn line that a probe wrote from /proc: the set of
// signals a process ignores, bit n-1 for signal n.
func ignoredSignals(t *testing.T, file string) uint64 {
	t.Helper()
	var b []byte
	require.Eventually(t, func() bool { b, _ = os.ReadFile(file); return strings.HasSuffix(string(b), "\n") },
		20*time.Second, 5*time.Millisecond, "the probe wrote no SigIgn line")
	mask, err := strconv.ParseUint(strings.TrimSpace(strings.TrimPrefix(string(b), "SigIgn:")), 16, 64)
	require.NoError(t, err, "%q", b)
	return mask
}

// TestExecKeepsIgnoredSignalsIgnored: a command run under sts exec ignores what it
// would ignore without sts, and sts does not pass on a signal it started with
// ignored. nohup ignores SIGHUP, so that a command survives the terminal's hangup;
// `trap "" INT` in a script, so that Ctrl-C does not interrupt it; a shell without job
// control (a script, sh -c) ignores SIGINT and SIGQUIT in the commands it starts with
// &, so that Ctrl-C at the terminal interrupts only what runs in the foreground. Go
// undoes an inherited ignoring for every signal a program asks to be notified of, in
// the program and, through exec, in its child: sts passed SIGHUP on under nohup, and
// its child died of it.
func TestExecKeepsIgnoredSignalsIgnored(t *testing.T) {
	srv := fake(t)
	otherIdentities(t)
	sts, sigcount := binary(t, "sts"), binary(t, "sigcount")
	const stsExec = `"$STS" exec -endpoint "$ENDPOINT" -role-arn "$ROLE" -- `
	const probe = `sh -c 'grep ^SigIgn: /proc/$$/status > "$DIR/sigign.tmp"; mv "$DIR/sigign.tmp" "$OUT"'`

	tests := []struct {
		name   string
		script string // for sh (dash); CMD is the command, its pid goes to "$DIR/pid"
		sent   []syscall.Signal
	}{
		{"nohup", `echo $$ > "$DIR/pid"; exec nohup CMD`, []syscall.Signal{syscall.SIGHUP}},
		{"trap '' INT", `trap '' INT; echo $$ > "$DIR/pid"; exec CMD`, []syscall.Signal{syscall.SIGINT}},
		{"& in a shell without job control", `CMD & echo $! > "$DIR/pid"; wait $!`, []syscall.Signal{syscall.SIGINT, syscall.SIGQUIT}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			run := func(command string) *exec.Cmd {
				cmd := exec.Command("sh", "-c", strings.ReplaceAll(tc.script, "CMD", command))
				cmd.Env = append(os.Environ(), "STS="+sts, "ENDPOINT="+srv.URL, "ROLE="+srv.Role().Arn, "DIR="+dir,
					"SIGCOUNT="+sigcount)
				cmd.Dir = dir // nohup.out, should nohup write one
				return cmd
			}

			// What the command ignores, without sts and under it.
			direct, under := run(probe), run(stsExec+probe)
			direct.Env = append(direct.Env, "OUT="+filepath.Join(dir, "direct"))
			under.Env = append(under.Env, "OUT="+filepath.Join(dir, "under"))
			out, err := direct.CombinedOutput()
			require.NoError(t, err, "%s", out)
			out, err = under.CombinedOutput()
			require.NoError(t, err, "%s", out)
			want, got := ignoredSignals(t, filepath.Join(dir, "direct")), ignoredSignals(t, filepath.Join(dir, "under"))
			for _, s := range tc.sent {
				require.NotZero(t, want&(1<<(s-1)), "without sts the command does not ignore %v: the case is wrong", s)
			}
			for _, s := range forwarded {
				if bit := uint64(1) << (s.(syscall.Signal) - 1); want&bit != 0 {
					assert.NotZero(t, got&bit, "under sts exec the command no longer ignores %v (SigIgn %x, without sts %x)", s, got, want)
				}
			}

			// What sts passes on: none of what it started with ignored.
			log := filepath.Join(dir, "log")
			cmd := run(stsExec + `"$SIGCOUNT" "$DIR/log"`)
			require.NoError(t, cmd.Start())
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			var pid int
			defer func() {
				if pid > 0 {
					syscall.Kill(pid, syscall.SIGKILL)
				}
				syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
				<-exited
			}()
			require.Eventually(t, func() bool { _, err := os.Stat(log + ".ready"); return err == nil }, 20*time.Second, 5*time.Millisecond,
				"sts exec did not start the child")
			require.Eventually(t, func() bool { // the shell may write $! after sts started
				b, _ := os.ReadFile(filepath.Join(dir, "pid"))
				pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
				return pid > 0
			}, 20*time.Second, 5*time.Millisecond, "the shell wrote no pid")
			for _, s := range tc.sent {
				require.NoError(t, syscall.Kill(pid, s))
			}
			// sts passes signals on in order: once USR1 is logged, what came before
			// it would be too.
			require.NoError(t, syscall.Kill(pid, syscall.SIGUSR1))
			require.Eventually(t, func() bool { got := logged(log); return len(got) > 0 && got[len(got)-1] == "usr1" },
				20*time.Second, 5*time.Millisecond, "USR1 never reached the child: %q", logged(log))
			require.Equal(t, []string{"usr1"}, logged(log), "sts passed on a signal it started with ignored")
			require.NoError(t, syscall.Kill(pid, syscall.SIGUSR2)) // the child exits 0
			require.NoError(t, <-exited)
			exited <- nil
		})
	}
}

// jobReadsTheTerminal runs job, in which another process of sts's process group
// reads the terminal once the child runs (it waits for the file "child"), and writes
// the line to "line". Without sts that process has the terminal: the shell gave it to
// the job's group, the command's; sts exec must not give it to its child instead,
// which would stop the reader (SIGTTIN) and with it the job.
func jobReadsTheTerminal(t *testing.T, job string) {
	j := startJob(t, job, ":", "")
	fg := foregroundGroup(t, j.master) // the shell's, if the job stopped at the read already
	require.Equal(t, j.job, fg, "the terminal is %d's, not the job's (%d; the child's group %d, the shell %d)", fg, j.job, j.kid, j.shell)
	j.readsTypedLine(t, "the job's read never returned")
}

// readsTypedLine types a line at the terminal, which a read writes to the file
// "line"; then the child finishes.
func (j *shellJob) readsTypedLine(t *testing.T, what string) {
	t.Helper()
	j.master.Write([]byte("typed\n"))
	j.await(t, "line", what)
	line, err := os.ReadFile(j.file("line"))
	require.NoError(t, err)
	require.Equal(t, "typed\n", string(line))
	j.touch(t, "finish")
	j.ended(t)
	j.touch(t, "release")
}

// TestExecInTheBackgroundOfAScriptLeavesItTheTerminal: a script (a shell without job
// control) that starts sts exec with & and then reads the terminal gets what is
// typed; sts had given the terminal to its child, and the script stopped at its read.
func TestExecInTheBackgroundOfAScriptLeavesItTheTerminal(t *testing.T) {
	jobReadsTheTerminal(t, `bash -c '`+stsExec+` & waitfor child; read -r line; echo "$line" > "$DIR/line.tmp"; mv "$DIR/line.tmp" "$DIR/line"; wait'`)
}

// TestExecCtrlZStopsTheWholeJob: Ctrl-Z stops the child, sts and every other process
// of sts's process group (a shell without job control that runs sts, a pipeline's
// other commands), as the terminal stops a job without sts, so that the shell sees its
// job stop; fg continues them and gives the child the terminal. sts stopped only
// itself, the job never stopped, and the terminal, given back to the job's group,
// hung: no prompt, the child stopped.
func TestExecCtrlZStopsTheWholeJob(t *testing.T) {
	for _, tc := range []struct{ name, job string }{
		{"under bash without job control", `bash -c '` + stsExec + `; :'`},
		{"under dash", `dash -c '` + stsExec + `; :'`},
		// bash gives the terminal to the job in each process of a pipeline, as it
		// starts (jobs.c, make_child): a cat that did so after sts had given it
		// to its child (a loaded machine) would take it back. sts starts once cat
		// has.
		{"in a pipeline", `{ waitfor piped; exec ` + stsExec + `; } | { : > "$DIR/piped"; exec cat; }`},
	} {
		t.Run(tc.name, func(t *testing.T) { stopAndContinue(t, tc.job) })
	}
}

// stopAndContinue runs job (see startJob) and types Ctrl-Z: the child and sts stop,
// the shell sees its job stop and takes the terminal; then fgAndFinish.
func stopAndContinue(t *testing.T, job string) {
	j := startJob(t, job, ":", `: > "$DIR/stopped"; waitfor continue; fg`)
	j.master.Write([]byte{0x1a})
	j.await(t, "stopped", "the shell never saw its job stop")
	require.Equal(t, "T", processStateOrGone(j.kid), "the child is stopped")
	// A shell that watches sts's parent (sh -c) sees the job stop when that parent
	// has, a moment before sts, which stops the others first (see stop).
	require.Eventually(t, func() bool { return processStateOrGone(j.sts) == "T" }, 20*time.Second, time.Millisecond,
		"sts never stopped")
	require.Equal(t, j.shell, foregroundGroup(t, j.master), "the shell has the terminal")
	j.fgAndFinish(t)
}

// fgAndFinish has the shell run fg (it waits for the file "continue"): the child and
// sts run, and the child has the terminal; then the child finishes, and the shell has
// the terminal back.
func (j *shellJob) fgAndFinish(t *testing.T) {
	t.Helper()
	j.touch(t, "continue")
	if !assert.Eventually(t, func() bool {
		return processStateOrGone(j.kid) != "T" && processStateOrGone(j.sts) != "T" && foregroundGroup(t, j.master) == j.kid
	}, 20*time.Second, 5*time.Millisecond) {
		t.Fatalf("fg did not continue the child in the foreground: child %d %s, sts %d %s, the terminal's group %d (shell %d)",
			j.kid, processStateOrGone(j.kid), j.sts, processStateOrGone(j.sts), foregroundGroup(t, j.master), j.shell)
	}
	j.touch(t, "finish")
	j.ended(t)
	require.Eventually(t, func() bool { return foregroundGroup(t, j.master) == j.shell }, 20*time.Second, 5*time.Millisecond,
		"the shell never had the terminal back")
	j.touch(t, "release")
}

// TestExecInTheBackgroundStopsForTerminalOutput: after Ctrl-Z and bg, a child that
// writes to the terminal under `stty tostop`, or changes its modes (as an editor
// does), stops with SIGTTOU, and sts with it: the shell reports "Stopped (tty
// output)", and fg lets the child finish. sts ignored SIGTTOU from its first Ctrl-Z
// on (os/signal's Reset does not undo Ignore for it), so its stop did nothing: it
// continued the child at once, which stopped again, a loop that burnt both CPUs and
// never showed the job stopped.
func TestExecInTheBackgroundStopsForTerminalOutput(t *testing.T) {
	for _, tc := range []struct{ name, tostop, output string }{ // tostop: the shell runs it before bg
		{"write under stty tostop", "stty tostop", "echo written"},
		{"stty", ":", "stty -echo; stty echo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := startJob(t, stsExec, `waitfor output; `+tc.output+`; : > "$DIR/done"`,
				tc.tostop+`; bg; : > "$DIR/backgrounded"; `+reportJobs+`; waitfor resume; fg`)
			j.master.Write([]byte{0x1a})
			j.await(t, "backgrounded", "the shell never put sts in the background")
			j.touch(t, "output")
			if !assert.Eventually(t, func() bool { return processStateOrGone(j.kid) == "T" && processStateOrGone(j.sts) == "T" },
				20*time.Second, 5*time.Millisecond) {
				t.Fatalf("the child (%s) and sts (%s) did not stop on terminal output in the background",
					processStateOrGone(j.kid), processStateOrGone(j.sts))
			}
			require.Equal(t, j.shell, foregroundGroup(t, j.master), "the shell has the terminal")
			j.touch(t, "report")
			j.await(t, "jobs", "the shell never saw its job stop")
			jobs, err := os.ReadFile(j.file("jobs"))
			require.NoError(t, err)
			if !assert.Contains(t, string(jobs), "Stopped (tty output)") {
				t.Fatalf("the terminal shows: %q", screen(j.master))
			}
			j.touch(t, "resume") // the shell runs fg
			j.await(t, "done", "the child's output never finished after fg")
			j.touch(t, "finish")
			j.ended(t)
			j.touch(t, "release")
		})
	}
}

// TestExecForegroundAgainGivesTheChildTheTerminal: fg gives the child the terminal
// also when sts was continued in between, so that it no longer waits in its stop: by
// bg (Ctrl-Z, bg, fg, as common as Ctrl-Z, fg) or by a SIGCONT from another process.
// sts gave the terminal to its child only on returning from its own stop, so after
// bg and fg the terminal went to sts's group: the child ran in the background, a
// Ctrl-Z stopped sts but not the child, and a read of the terminal stopped the job.
func TestExecForegroundAgainGivesTheChildTheTerminal(t *testing.T) {
	for _, tc := range []struct {
		name, then string
		cont       bool // the test sends sts a SIGCONT once its job has stopped
	}{
		{"bg, fg", `bg; : > "$DIR/answered"; waitfor continue; fg`, false},
		{"kill -CONT, fg", `: > "$DIR/answered"; waitfor continue; fg`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := startJob(t, stsExec, ":", tc.then)
			j.master.Write([]byte{0x1a})
			j.await(t, "answered", "the shell never saw its job stop")
			if tc.cont {
				require.NoError(t, syscall.Kill(j.sts, syscall.SIGCONT))
			}
			if !assert.Eventually(t, func() bool { return processStateOrGone(j.sts) != "T" && processStateOrGone(j.kid) != "T" },
				20*time.Second, 5*time.Millisecond) {
				t.Fatalf("sts (%s) did not continue the child (%s)", processStateOrGone(j.sts), processStateOrGone(j.kid))
			}
			require.Equal(t, j.shell, foregroundGroup(t, j.master), "the shell has the terminal while the job runs in the background")
			j.fgAndFinish(t)
		})
	}
}
