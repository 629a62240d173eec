package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	caddyfmt "github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/compile"
)

// The adapt, validate and fmt commands: the Caddyfile tools of `caddy`,
// backed by zeroserve's own adapter.
func init() {
	register(&command{
		name:  "adapt",
		usage: "adapt --config FILE [--pretty] [--validate]",
		short: "Print the Caddy JSON config of a Caddyfile (as `caddy adapt`).",
		run:   runAdapt,
	})
	register(&command{
		name:  "validate",
		usage: "validate --config FILE",
		short: "Check that a Caddyfile adapts and every server compiles to eBPF.",
		run:   runValidate,
	})
	register(&command{
		name:  "fmt",
		usage: "fmt [--overwrite] [--diff] [FILE|-]",
		short: "Format a Caddyfile (as `caddy fmt`).",
		run:   runFmt,
	})
}

func runAdapt(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("adapt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "the Caddyfile to adapt")
	pretty := fs.Bool("pretty", false, "indent the JSON output")
	validate := fs.Bool("validate", false, "also check the adapted config is a well-formed JSON object")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *config == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: zeroserve adapt --config FILE [--pretty] [--validate]")
		return 2
	}
	out, err := adaptFile(*config, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	if *validate {
		var cfg map[string]any
		if err := json.Unmarshal(out, &cfg); err != nil {
			fmt.Fprintf(stderr, "zeroserve: BUG: adapted config is not a JSON object: %v\n", err)
			return 1
		}
	}
	if *pretty {
		var buf bytes.Buffer
		if err := json.Indent(&buf, out, "", "\t"); err != nil {
			fmt.Fprintf(stderr, "zeroserve: BUG: adapter output is not JSON: %v\n", err)
			return 1
		}
		out = buf.Bytes()
	}
	stdout.Write(out)
	fmt.Fprintln(stdout)
	return 0
}

func runValidate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "the Caddyfile to validate")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *config == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: zeroserve validate --config FILE")
		return 2
	}
	prog, err := lowerConfig(*config, "caddyfile", stderr)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	for _, sp := range prog.Servers {
		if _, err := compile.Compile(prog, compile.Options{Server: sp.Name}); err != nil {
			fmt.Fprintf(stderr, "zeroserve: server %s: %v\n", sp.Name, err)
			return 1
		}
	}
	fmt.Fprintln(stdout, "Valid configuration")
	return 0
}

// adaptFile adapts the Caddyfile at path, printing warnings to stderr.
func adaptFile(path string, stderr io.Writer) ([]byte, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	out, warnings, err := caddyfile.Adapt(path, body)
	for _, w := range warnings {
		printWarning(stderr, w)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// printWarning prints one adapter warning as "zeroserve: warning:
// FILE:LINE: [directive: ]message".
func printWarning(w io.Writer, warn caddyfile.Warning) {
	msg := warn.Message
	if warn.Directive != "" {
		msg = warn.Directive + ": " + msg
	}
	if warn.File != "" {
		msg = fmt.Sprintf("%s:%d: %s", warn.File, warn.Line, msg)
	}
	fmt.Fprintf(w, "zeroserve: warning: %s\n", msg)
}

func runFmt(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fmt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	overwrite := fs.Bool("overwrite", false, "write the formatted Caddyfile back to FILE")
	diff := fs.Bool("diff", false, "print a line diff instead of the formatted file")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return 2
	}
	if len(files) > 1 {
		fmt.Fprintln(stderr, "usage: zeroserve fmt [--overwrite] [--diff] [FILE|-]")
		return 2
	}
	path := "Caddyfile"
	if len(files) == 1 {
		path = files[0]
	}
	if path == "-" {
		input, err := io.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintf(stderr, "zeroserve: reading stdin: %v\n", err)
			return 1
		}
		stdout.Write(caddyfmt.Format(input))
		return 0
	}
	input, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: reading input file: %v\n", err)
		return 1
	}
	output := caddyfmt.Format(input)
	if *overwrite {
		if err := os.WriteFile(path, output, 0o600); err != nil {
			fmt.Fprintf(stderr, "zeroserve: overwriting formatted file: %v\n", err)
			return 1
		}
		return 0
	}
	if *diff {
		writeLineDiff(stdout, strings.Split(string(input), "\n"), strings.Split(string(output), "\n"))
	} else {
		stdout.Write(output)
	}
	if err := formattingError(path, input, output); err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	return 0
}

// formattingError reports the first line where input differs from its
// formatted form (CRLF line ends are not a difference), as `caddy fmt`.
func formattingError(path string, input, formatted []byte) error {
	normalized := bytes.ReplaceAll(input, []byte("\r\n"), []byte("\n"))
	if bytes.Equal(normalized, caddyfmt.Format(normalized)) {
		return nil
	}
	line := 1
	for i, ch := range normalized {
		if i >= len(formatted) || ch != formatted[i] {
			break
		}
		if ch == '\n' {
			line++
		}
	}
	return fmt.Errorf("%s:%d: Caddyfile input is not formatted; use '--overwrite' to update it in place", path, line)
}

// writeLineDiff prints a diff of a and b: common lines prefixed "  ",
// removed "- ", added "+ ", from a longest common subsequence. Inputs too
// large for the quadratic table are shown as all removed, then all added.
func writeLineDiff(w io.Writer, a, b []string) {
	if len(a)*len(b) > 4<<20 {
		for _, l := range a {
			fmt.Fprintf(w, "- %s\n", l)
		}
		for _, l := range b {
			fmt.Fprintf(w, "+ %s\n", l)
		}
		return
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			fmt.Fprintf(w, "  %s\n", a[i])
			i++
			j++
		case j < len(b) && (i == len(a) || lcs[i][j+1] > lcs[i+1][j]):
			fmt.Fprintf(w, "+ %s\n", b[j])
			j++
		default:
			fmt.Fprintf(w, "- %s\n", a[i])
			i++
		}
	}
}
