// Package redistest runs real Redis processes for tests: a server, a Cluster of three
// primaries, or a primary and a replica watched by Sentinel. Each listens on free
// loopback ports, in a temporary directory, with no persistence, and is stopped when
// the test ends. It needs the binaries (Debian: apt-get install redis-server
// redis-tools redis-sentinel); without them a test is skipped, or fails when the CI
// environment variable is set.
//
// Every client it returns is built with ContextTimeoutEnabled, as redisstore needs,
// and without go-redis's own read and write timeouts (5 s by default): a command
// waits as long as its context lets it, so that what bounds a command to a stalled
// server (see Freeze) is the timeout of the code under test, never go-redis's.
//
// It lives in the redisstore module, beside the code it tests, so that only programs
// that use Redis download go-redis; it is not internal so that tests in the adapters
// module (stsprom's limiter collector) and tests of code built on redisstore can use it.
package redistest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a redis-server (or redis-sentinel) process.
type Server struct {
	// Addr is 127.0.0.1:<port>; it stays the same across Stop and Start.
	Addr string

	t    testing.TB
	bin  string
	dir  string
	args []string // after the common ones
	conf string   // a config file to write before each start (Sentinel rewrites it)
	cmd  *exec.Cmd
	// exited is closed when cmd's process has ended (and been waited for).
	exited chan struct{}
}

// Start starts a server and stops it at the end of t.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, lookPath(t, "redis-server"), freePort(t, false))
}

// lookPath finds a binary, or skips t (fails it under CI).
func lookPath(t testing.TB, name string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		how := name + " is not installed (Debian: apt-get install redis-server redis-tools redis-sentinel)"
		if os.Getenv("CI") != "" {
			t.Fatal(how)
		}
		t.Skip(how)
	}
	return bin
}

// freePort returns a loopback port nothing listens on; with bus, port+10000 (a
// Cluster node's bus port) is free too.
func freePort(t testing.TB, bus bool) int {
	t.Helper()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		if !bus {
			l.Close()
			return port
		}
		if port+10000 <= 65535 {
			if b, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000)); err == nil {
				b.Close()
				l.Close()
				return port
			}
		}
		l.Close()
	}
	t.Fatal("redistest: no free port pair for a Cluster node")
	return 0
}

// start runs bin on port with args, and stops it at the end of t.
func start(t testing.TB, bin string, port int, args ...string) *Server {
	t.Helper()
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), t: t, bin: bin, dir: t.TempDir(), args: args}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// Start starts the server again after Stop, on the same address, empty.
//
// The port may be held for a moment by another socket: it is one the kernel also
// hands out as the local port of outgoing connections, and the clients of a stopped
// server keep dialling it; or by another test's server. Then redis-server cannot bind
// it and exits, and Start starts it again until the port is free, for 20 s at most.
// Start returns only once its own process answers.
func (s *Server) Start() {
	s.t.Helper()
	if s.cmd != nil {
		s.t.Fatal("redistest: the server is running")
	}
	_, port, _ := net.SplitHostPort(s.Addr)
	var args []string
	if s.conf != "" {
		// Sentinel takes its configuration from a file it may rewrite.
		name := filepath.Join(s.dir, "sentinel.conf")
		if err := os.WriteFile(name, []byte(s.conf), 0o600); err != nil {
			s.t.Fatal(err)
		}
		args = append(args, name)
	}
	args = append(args, "--bind", "127.0.0.1", "--port", port, "--dir", s.dir,
		"--daemonize", "no", "--loglevel", "warning", "--logfile", "redis.log")
	if s.conf == "" {
		args = append(args, "--save", "", "--appendonly", "no")
	}
	logName := filepath.Join(s.dir, "redis.log")
	deadline := time.Now().Add(20 * time.Second)
	for {
		os.Remove(logName) // this attempt's lines only
		cmd := exec.Command(s.bin, append(args, s.args...)...)
		cmd.Dir = s.dir
		if err := cmd.Start(); err != nil {
			s.t.Fatalf("redistest: starting %s: %v", s.bin, err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		s.cmd, s.exited = cmd, exited
		// Its own process, not any server on the port: another test's server may hold
		// it (tests in other packages run at once, and a port freePort found free can
		// be taken before this server binds it), and a test that reached that one
		// would share its keys.
		err := s.poll(deadline, func(ctx context.Context) error {
			return wantInfo(ctx, s, "server", "process_id:"+strconv.Itoa(cmd.Process.Pid))
		})
		if err == nil {
			return
		}
		log, _ := os.ReadFile(logName)
		if errors.Is(err, errExited) {
			s.cmd = nil
			if bytes.Contains(log, []byte("Address already in use")) && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
				continue
			}
		}
		s.t.Fatalf("redistest: %s on %s did not answer: %v\n%s", filepath.Base(s.bin), s.Addr, err, log)
	}
}

// errExited is poll's error when the server's process has ended.
var errExited = errors.New("the process exited")

// poll runs check until it succeeds, the server's process exits, or deadline passes;
// it returns check's last error, or errExited.
func (s *Server) poll(deadline time.Time, check func(context.Context) error) error {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err := check(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.exited:
			return errExited
		default:
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// await polls check until it succeeds, for 30 seconds at most (a bound for a loaded
// machine, where a Cluster or a failover may take many seconds to settle).
func (s *Server) await(what string, check func(context.Context) error) {
	s.t.Helper()
	if err := s.poll(time.Now().Add(30*time.Second), check); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
		s.t.Fatalf("redistest: %s on %s did not %s: %v\n%s", filepath.Base(s.bin), s.Addr, what, err, log)
	}
}

// Freeze stops the server's process (SIGSTOP) until Thaw: its connections stay open
// and nothing sent to it is answered, as on a host that stalls. Unlike CLIENT PAUSE,
// whose length is fixed when it starts, a freeze lasts until the test ends it, however
// slowly a loaded machine runs the test meanwhile. Stop thaws a frozen server.
func (s *Server) Freeze() {
	s.t.Helper()
	s.signal(syscall.SIGSTOP)
}

// Thaw lets a frozen server run again (SIGCONT).
func (s *Server) Thaw() {
	s.t.Helper()
	s.signal(syscall.SIGCONT)
}

// signal sends sig to the running server's process.
func (s *Server) signal(sig syscall.Signal) {
	s.t.Helper()
	if s.cmd == nil {
		s.t.Fatalf("redistest: %s to a server that is not running", sig)
	}
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("redistest: %s: %v", sig, err)
	}
}

// Stop stops the server (at once, as a crash would for its clients) and waits for
// the process to end. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	_ = s.cmd.Process.Signal(syscall.SIGCONT) // a frozen server takes its SIGTERM now
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// Client returns a client of the server, closed at the end of the test.
func (s *Server) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr, ContextTimeoutEnabled: true, ReadTimeout: -1, WriteTimeout: -1})
	s.t.Cleanup(func() { c.Close() })
	return c
}

// Cluster is a Redis Cluster of three primaries without replicas, every slot covered.
type Cluster struct {
	// Nodes are the three servers.
	Nodes []*Server

	t testing.TB
}

// StartCluster starts three nodes, joins them with redis-cli --cluster create and
// waits until each reports cluster_state:ok. It stops them at the end of t.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	server, cli := lookPath(t, "redis-server"), lookPath(t, "redis-cli")
	c := &Cluster{t: t}
	args := []string{"create"}
	for range 3 {
		n := start(t, server, freePort(t, true), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "2000")
		c.Nodes = append(c.Nodes, n)
		args = append(args, n.Addr)
	}
	out, err := exec.Command(cli, append([]string{"--cluster"}, append(args, "--cluster-replicas", "0", "--cluster-yes")...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, n := range c.Nodes {
		rdb := redis.NewClient(&redis.Options{Addr: n.Addr})
		n.await("report cluster_state:ok", func(ctx context.Context) error {
			info, err := rdb.ClusterInfo(ctx).Result()
			if err == nil && !containsLine(info, "cluster_state:ok") {
				err = fmt.Errorf("CLUSTER INFO says\n%s", info)
			}
			return err
		})
		rdb.Close()
	}
	return c
}

// Client returns a Cluster client that knows every node, closed at the end of the test.
func (c *Cluster) Client() *redis.ClusterClient {
	var addrs []string
	for _, n := range c.Nodes {
		addrs = append(addrs, n.Addr)
	}
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, ContextTimeoutEnabled: true, ReadTimeout: -1, WriteTimeout: -1})
	c.t.Cleanup(func() { rdb.Close() })
	return rdb
}

// Sentinel is a primary and its replica, watched by one redis-sentinel (quorum 1,
// down after one second) under the name MasterName.
type Sentinel struct {
	// MasterName names the primary to Sentinel and its clients.
	MasterName string
	// Sentinel is the redis-sentinel process.
	Sentinel *Server
	// Servers are the primary and the replica; Failover swaps them.
	Servers []*Server

	t testing.TB
}

// StartSentinel starts a primary, a replica of it and a sentinel, and waits until the
// replica is in sync and the sentinel knows it. It stops them at the end of t.
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	server, sentinel := lookPath(t, "redis-server"), lookPath(t, "redis-sentinel")
	s := &Sentinel{MasterName: "stsgo", t: t}
	// Without the default delay of 5 seconds before a full sync.
	nodelay := []string{"--repl-diskless-sync-delay", "0"}
	primary := start(t, server, freePort(t, false), nodelay...)
	host, port, _ := net.SplitHostPort(primary.Addr)
	replica := start(t, server, freePort(t, false), append(nodelay, "--replicaof", host, port)...)
	s.Servers = []*Server{primary, replica}
	replica.await("sync with its primary", func(ctx context.Context) error {
		return wantInfo(ctx, replica, "replication", "master_link_status:up")
	})
	sp := freePort(t, false)
	s.Sentinel = &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(sp)), t: t, bin: sentinel, dir: t.TempDir(),
		conf: fmt.Sprintf("sentinel monitor %[1]s %[2]s %[3]s 1\nsentinel down-after-milliseconds %[1]s 1000\n"+
			"sentinel failover-timeout %[1]s 5000\nsentinel parallel-syncs %[1]s 1\n", s.MasterName, host, port)}
	s.Sentinel.Start()
	t.Cleanup(s.Sentinel.Stop)
	s.awaitReplica(replica.Addr)
	return s
}

// awaitReplica waits until the sentinel lists addr as a healthy replica: only then
// can it fail over to it.
func (s *Sentinel) awaitReplica(addr string) {
	s.t.Helper()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinel.Addr})
	defer sc.Close()
	s.Sentinel.await("list the replica "+addr, func(ctx context.Context) error {
		replicas, err := sc.Replicas(ctx, s.MasterName).Result()
		if err != nil {
			return err
		}
		for _, r := range replicas {
			if r["ip"]+":"+r["port"] == addr && r["flags"] == "slave" && r["master-link-status"] == "ok" {
				return nil
			}
		}
		return fmt.Errorf("replicas: %v", replicas)
	})
}

// Client returns a failover client that finds the primary through the sentinel,
// closed at the end of the test.
func (s *Sentinel) Client() *redis.Client {
	rdb := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: s.MasterName, SentinelAddrs: []string{s.Sentinel.Addr},
		ContextTimeoutEnabled: true, ReadTimeout: -1, WriteTimeout: -1})
	s.t.Cleanup(func() { rdb.Close() })
	return rdb
}

// Failover stops the primary, as a crash would, and waits until the sentinel has
// found it down and promoted the replica, and the replica says it is primary. The old
// primary stays stopped.
func (s *Sentinel) Failover() {
	s.t.Helper()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinel.Addr})
	defer sc.Close()
	old, next := s.Servers[0], s.Servers[1]
	old.Stop()
	s.Sentinel.await("name "+next.Addr+" primary", func(ctx context.Context) error {
		addr, err := sc.GetMasterAddrByName(ctx, s.MasterName).Result()
		if err == nil && net.JoinHostPort(addr[0], addr[1]) != next.Addr {
			err = fmt.Errorf("the primary is %v", addr)
		}
		return err
	})
	next.await("become primary", func(ctx context.Context) error { return wantInfo(ctx, next, "replication", "role:master") })
	s.Servers[0], s.Servers[1] = next, old
}

// Running reports whether the server's process runs (Stop ends it, Start starts it).
func (s *Server) Running() bool { return s.cmd != nil }

// wantInfo checks that a section of s's INFO has line.
func wantInfo(ctx context.Context, s *Server, section, line string) error {
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	info, err := c.Info(ctx, section).Result()
	if err == nil && !containsLine(info, line) {
		err = fmt.Errorf("INFO %s has no %q:\n%s", section, line, info)
	}
	return err
}

// containsLine reports whether text (Redis's INFO: CRLF lines) has line.
func containsLine(text, line string) bool {
	for l := range strings.Lines(text) {
		if strings.TrimRight(l, "\r\n") == line {
			return true
		}
	}
	return false
}
