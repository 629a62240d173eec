// Command zeroserve is a fast, scriptable HTTPS server that serves Caddyfiles
// by compiling them to eBPF. See README.md for the subcommands.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand. Each lives in its own file and adds itself to
// commands in an init function.
type command struct {
	name  string
	usage string // one line: arguments and flags
	short string // one sentence for the command list
	run   func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("BUG: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// version is set at link time with -ldflags "-X main.version=...".
var version = "v0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the process exit code:
// 0 success, 1 failure, 2 bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printHelp(stderr)
		return 2
	}
	name := args[0]
	// Flags of the original zeroserve, spelled as flags, map to subcommands.
	if alias, ok := flagAliases[name]; ok {
		name = alias.command
		args = append(append([]string{name}, alias.prefix...), args[1:]...)
	} else if strings.HasPrefix(name, "--") && strings.Contains(name, "=") {
		flagName, value, _ := strings.Cut(name, "=")
		if alias, ok := flagAliases[flagName]; ok {
			name = alias.command
			args = append(append([]string{name}, alias.prefix...), append([]string{value}, args[1:]...)...)
		}
	}
	c, ok := commands[name]
	if !ok && (strings.HasSuffix(name, ".c") || strings.HasSuffix(name, ".o") || strings.HasSuffix(name, ".tar") || strings.HasPrefix(name, "-")) {
		// The original's top level: `zeroserve [flags] script.c`.
		return commands["script"].run(args, stdout, stderr)
	}
	if !ok {
		fmt.Fprintf(stderr, "zeroserve: unknown command %q\n\n", args[0])
		printHelp(stderr)
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

// flagAlias maps one of the original zeroserve's top-level flags to a
// subcommand, with arguments inserted before the flag's own value.
type flagAlias struct {
	command string
	prefix  []string
}

var flagAliases = map[string]flagAlias{
	"--adapt-caddyfile": {command: "adapt", prefix: []string{"--config"}},
	"--version":         {command: "version"},
	"-h":                {command: "help"},
	"--help":            {command: "help"},
}

func init() {
	register(&command{
		name:  "version",
		usage: "version",
		short: "Print the version.",
		run: func(args []string, stdout, stderr io.Writer) int {
			fmt.Fprintln(stdout, "zeroserve", version)
			return 0
		},
	})
	register(&command{
		name:  "help",
		usage: "help [COMMAND]",
		short: "Show the commands, or one command's usage.",
		run: func(args []string, stdout, stderr io.Writer) int {
			if len(args) == 1 {
				if c, ok := commands[args[0]]; ok {
					fmt.Fprintf(stdout, "usage: zeroserve %s\n\n%s\n", c.usage, c.short)
					return 0
				}
				fmt.Fprintf(stderr, "zeroserve help: unknown command %q\n", args[0])
				return 2
			}
			printHelp(stdout)
			return 0
		},
	})
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "usage: zeroserve COMMAND [ARGS]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-13s %s\n", n, commands[n].short)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "`zeroserve help COMMAND` shows a command's arguments.")
	fmt.Fprintln(w, "The original zeroserve's spellings also work: `zeroserve [flags] script.c` (= script),")
	fmt.Fprintln(w, "--adapt-caddyfile FILE (= adapt --config FILE), --caddy-compile FILE, --dump-sdk, --version, --help.")
}
