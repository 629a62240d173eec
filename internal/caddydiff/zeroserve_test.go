//go:build caddyoracle

package caddydiff

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/zeroserve/zeroserve/internal/bpf/elfwrite"
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/compile"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// compileZeroserve runs the Caddyfile through zeroserve's pipeline in
// process, as cmd/zeroserve does: our adapter, the strict model, the
// compiler, the ELF writer and the loader (JIT where there is one). Its
// error is typed (unsupported or not) where the served binary's would only
// be text.
func compileZeroserve(src string) (*script.Chain, error) {
	js, _, err := caddyfile.Adapt("Caddyfile", []byte(src))
	if err != nil {
		return nil, err
	}
	cfg, err := caddyconf.Parse(js)
	if err != nil {
		return nil, err
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		return nil, err
	}
	obj, err := compile.Compile(prog, compile.Options{})
	if err != nil {
		return nil, err
	}
	elf, err := elfwrite.Write(obj)
	if err != nil {
		return nil, err
	}
	h, err := script.NewHelpers()
	if err != nil {
		return nil, err
	}
	s, err := script.LoadObject("caddy", elf, h, script.Options{JIT: vm.JITAuto})
	if err != nil {
		return nil, err
	}
	return script.NewChain(s), nil
}

// zeroserveBin is the zeroserve binary TestMain builds.
var zeroserveBin string

// buildZeroserve builds cmd/zeroserve into dir.
func buildZeroserve(dir string) error {
	zeroserveBin = filepath.Join(dir, "zeroserve")
	out, err := exec.Command("go", "build", "-o", zeroserveBin, "../../cmd/zeroserve").CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build ./cmd/zeroserve: %v\n%s", err, out)
	}
	return nil
}

// zeroserveProc is a running `zeroserve --caddy` process.
type zeroserveProc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr strings.Builder // what it wrote so far
	exited chan struct{}
}

// log returns what the process wrote to stderr so far.
func (p *zeroserveProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// startZeroserve serves the Caddyfile at path as `zeroserve --caddy`
// does in production (the same forwarder for reverse_proxy), on
// 127.0.0.1:port with one worker on the io backend ("uring" or "epoll"),
// and waits until it says it listens (a connection alone could reach
// another process that took the port).
func startZeroserve(path string, port int, io string) (*zeroserveProc, error) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	p := &zeroserveProc{exited: make(chan struct{})}
	p.cmd = exec.Command(zeroserveBin, "--caddy", path, "--addr", addr, "--threads", "1", "--io", io,
		"--grace", "1s", "--disable-request-logging")
	errs, err := p.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(errs)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if strings.HasPrefix(sc.Text(), "listening on http://"+addr+" ") {
				close(listening)
			}
		}
		p.cmd.Wait()
		close(p.exited)
	}()
	select {
	case <-listening:
		return p, nil
	case <-p.exited:
		return nil, fmt.Errorf("zeroserve exited: %s", p.log())
	case <-time.After(20 * time.Second):
		p.stop()
		return nil, fmt.Errorf("zeroserve did not listen on %s: %s", addr, p.log())
	}
}

// stop ends the process (SIGTERM, then SIGKILL after 5 s).
func (p *zeroserveProc) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
}

// writeCaddyfile writes src to dir/name and returns the path.
func writeCaddyfile(dir, name, src string) (string, error) {
	p := filepath.Join(dir, name)
	return p, os.WriteFile(p, []byte(src), 0o644)
}
