package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/zeroserve/zeroserve/internal/bpf/elfwrite"
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/compile"
)

// The compile command: a Caddyfile or Caddy JSON config to a BPF ELF
// object (DESIGN §2, "Everything is a BPF ELF object").
func init() {
	register(&command{
		name:  "compile",
		usage: "compile --config FILE [-o OUT.o] [--adapter caddyfile|json] [--server NAME]",
		short: "Compile a Caddyfile or Caddy JSON config to a BPF ELF object (llvm-objdump -d reads it).",
		run:   runCompile,
	})
	flagAliases["--caddy-compile"] = flagAlias{command: "compile", prefix: []string{"--config"}}
}

func runCompile(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "the Caddyfile or Caddy JSON config")
	out := fs.String("o", "caddy.o", "the object file to write")
	adapter := fs.String("adapter", "", "caddyfile or json (default: json for *.json or a JSON object, else caddyfile)")
	server := fs.String("server", "", "the server of apps.http.servers to compile (needed when there are several)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *config == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: zeroserve compile --config FILE [-o OUT.o] [--adapter caddyfile|json] [--server NAME]")
		return 2
	}
	elf, err := compileConfig(*config, *adapter, *server, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	if err := os.WriteFile(*out, elf, 0o644); err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", *out, len(elf))
	return 0
}

// compileConfig reads a config (adapting a Caddyfile), parses it
// strictly, lowers it and compiles one server to an ELF object. Parse
// warnings go to stderr.
func compileConfig(path, adapter, server string, stderr io.Writer) ([]byte, error) {
	prog, err := lowerConfig(path, adapter, stderr)
	if err != nil {
		return nil, err
	}
	obj, err := compile.Compile(prog, compile.Options{Server: server})
	if err != nil {
		return nil, err
	}
	return elfwrite.Write(obj)
}

// lowerConfig reads a config (adapting a Caddyfile), parses it strictly
// and lowers it. Parse warnings go to stderr.
func lowerConfig(path, adapter string, stderr io.Writer) (*caddyconf.Program, error) {
	cfg, err := parseConfig(path, adapter, stderr)
	if err != nil {
		return nil, err
	}
	return caddyconf.Lower(cfg)
}

// parseConfig reads a config (adapting a Caddyfile) and parses it
// strictly. Parse warnings go to stderr.
func parseConfig(path, adapter string, stderr io.Writer) (*caddyconf.Config, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	if adapter == "" {
		adapter = "caddyfile"
		if strings.EqualFold(filepath.Ext(path), ".json") || bytes.HasPrefix(bytes.TrimSpace(body), []byte("{\"")) || bytes.Equal(bytes.TrimSpace(body), []byte("{}")) {
			adapter = "json"
		}
	}
	js := body
	switch adapter {
	case "json":
	case "caddyfile":
		if js, err = adaptFile(path, stderr); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown adapter %q (want caddyfile or json)", adapter)
	}
	cfg, err := caddyconf.Parse(js)
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stderr, "zeroserve: warning: %s\n", w)
	}
	return cfg, nil
}
