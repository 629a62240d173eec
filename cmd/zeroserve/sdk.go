package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/sdk"
)

func init() {
	register(&command{
		name:  "sdk",
		usage: "sdk header | sdk compile FILE.c -o FILE.o",
		short: "Print the plugin SDK header, or compile a C plugin with clang against it.",
		run:   runSDK,
	})
	flagAliases["--dump-sdk"] = flagAlias{command: "sdk", prefix: []string{"header"}}
}

func runSDK(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: zeroserve sdk header | zeroserve sdk compile FILE.c -o FILE.o")
		return 2
	}
	switch args[0] {
	case "header":
		if len(args) != 1 {
			fmt.Fprintln(stderr, "usage: zeroserve sdk header")
			return 2
		}
		io.WriteString(stdout, sdk.Header)
		return 0
	case "compile":
		fs := flag.NewFlagSet("sdk compile", flag.ContinueOnError)
		fs.SetOutput(stderr)
		out := fs.String("o", "", "output object file (default: FILE with .o)")
		files, err := parseInterleaved(fs, args[1:])
		if err != nil {
			return 2
		}
		if len(files) != 1 {
			fmt.Fprintln(stderr, "usage: zeroserve sdk compile FILE.c -o FILE.o")
			return 2
		}
		obj, err := script.CompileC(files[0])
		if err != nil {
			fmt.Fprintf(stderr, "zeroserve sdk compile: %v\n", err)
			return 1
		}
		dst := *out
		if dst == "" {
			dst = script.Name(files[0]) + ".o"
		}
		if err := os.WriteFile(dst, obj, 0o644); err != nil {
			fmt.Fprintf(stderr, "zeroserve sdk compile: %v\n", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stderr, "zeroserve sdk: unknown subcommand %q (want header or compile)\n", args[0])
	return 2
}
