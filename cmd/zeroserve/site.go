package main

import (
	"archive/tar"
	"bufio"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/server"
	"github.com/zeroserve/zeroserve/internal/static"
)

// Site tarballs (reference §5.3, §5.4): `zeroserve [flags] site.tar`
// serves one without extracting it, after running its scripts
// (.zeroserve/scripts/*.o, by name) behind any --plugin; `zeroserve --pack
// DIR > site.tar` makes one, compiling .zeroserve/scripts/*.c with clang.
func init() {
	register(&command{
		name:  "pack",
		usage: "pack DIR > site.tar   (also --pack DIR)",
		short: "Pack a directory into a site tarball on stdout (deterministic; .zeroserve/scripts/*.c compiled to .o with clang).",
		run:   runPack,
	})
	flagAliases["--pack"] = flagAlias{command: "pack"}
}

// scriptsDir is where a site's scripts live in its tarball.
const scriptsDir = static.ReservedPrefix + "/scripts/"

// siteFlags are the static lookup flags of a site tarball.
type siteFlags struct {
	index   string
	tryHTML bool
}

func (f *siteFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.index, "index", "index.html", "the file served for a directory of a site tarball")
	fs.BoolVar(&f.tryHTML, "try-html", false, "serve /NAME from NAME.html when /NAME is not in the site tarball")
}

// serveSite serves the site tarball at path: plugins, then the site's own
// scripts, then its files.
func serveSite(sf *serveFlags, scf *scriptFlags, stf *siteFlags, tarPath string, stderr io.Writer) int {
	t, err := static.OpenTar(tarPath)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	defer t.Close()
	names := t.Names()
	fi, _ := os.Stat(tarPath)
	fmt.Fprintf(stderr, "loaded %d entries from %s (%d bytes)\n", len(names), tarPath, fi.Size())
	chain, err := loadSiteChain(scf, t, names)
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %s: %v\n", tarPath, err)
		return 1
	}
	defer chain.Close()
	logLoaded(chain, stderr)
	fwd, err := newForwarder()
	if err != nil {
		fmt.Fprintf(stderr, "zeroserve: %v\n", err)
		return 1
	}
	site := &static.Site{Source: t, Index: stf.index, TryHTML: stf.tryHTML}
	h := &server.Scripts{Chain: chain, Fuel: scf.fuel, Config: scf.config(), Forward: fwd, Log: stderr, Site: site}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	return serve(sf, h, stderr, sigs)
}

// loadSiteChain loads the --plugin scripts, then the tarball's
// .zeroserve/scripts/*.o sorted by name (names are sorted).
func loadSiteChain(scf *scriptFlags, t *static.Tar, names []string) (*script.Chain, error) {
	plugins, err := scf.load()
	if err != nil {
		return nil, err
	}
	ss := plugins.Scripts()
	opts, err := scf.options()
	if err != nil {
		plugins.Close()
		return nil, err
	}
	h, err := script.NewHelpers()
	if err != nil {
		plugins.Close()
		return nil, err
	}
	for _, n := range names {
		rest, ok := strings.CutPrefix(n, scriptsDir)
		if !ok || !strings.HasSuffix(rest, ".o") || strings.Contains(rest, "/") {
			continue
		}
		obj, err := readTarFile(t, n)
		if err == nil {
			var s *script.Script
			if s, err = script.LoadObject(rest, obj, h, opts); err == nil {
				ss = append(ss, s)
				continue
			}
		}
		script.NewChain(ss...).Close()
		return nil, fmt.Errorf("%s: %w", n, err)
	}
	return script.NewChain(ss...), nil
}

// readTarFile reads a whole file of the tarball.
func readTarFile(t *static.Tar, name string) ([]byte, error) {
	in, err := t.Stat(name)
	if err != nil {
		return nil, err
	}
	f, err := t.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, in.Size)
	if _, err := f.ReadAt(b, 0); err != nil && in.Size > 0 {
		return nil, err
	}
	return b, nil
}

func runPack(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "usage: zeroserve %s\n", commands["pack"].usage)
		return 2
	}
	w := bufio.NewWriterSize(stdout, 1<<16)
	if err := pack(args[0], w, script.CompileC); err != nil {
		fmt.Fprintf(stderr, "zeroserve: pack %s: %v\n", args[0], err)
		return 1
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "zeroserve: pack: %v\n", err)
		return 1
	}
	return 0
}

// pack writes the directory dir as a site tarball: its directories and
// regular files in name order, with the same header for the same tree
// (times to the second, owner 0, modes 0755/0644), and each
// .zeroserve/scripts/NAME.c replaced by NAME.o compiled with compile. A
// symbolic link or special file is an error naming it.
func pack(dir string, w io.Writer, compile func(path string) ([]byte, error)) error {
	tw := tar.NewWriter(w)
	type entry struct {
		name string
		data []byte // compiled scripts
		path string // other files
		info fs.FileInfo
	}
	var ents []entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		name := filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			ents = append(ents, entry{name: name + "/", info: info})
		case !info.Mode().IsRegular():
			return fmt.Errorf("%s: only regular files and directories can be packed (%s)", name, info.Mode().Type())
		case strings.HasPrefix(name, scriptsDir) && path.Ext(name) == ".c" && !strings.Contains(name[len(scriptsDir):], "/"):
			obj, err := compile(p)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			ents = append(ents, entry{name: strings.TrimSuffix(name, ".c") + ".o", data: obj, info: info})
		default:
			ents = append(ents, entry{name: name, path: p, info: info})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(ents, func(e entry) bool { return !strings.HasSuffix(e.name, "/") }) {
		return fmt.Errorf("no regular files to pack")
	}
	slices.SortFunc(ents, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	for _, e := range ents {
		hdr := &tar.Header{Name: e.name, ModTime: e.info.ModTime().Truncate(time.Second), Mode: 0o644, Typeflag: tar.TypeReg}
		switch {
		case strings.HasSuffix(e.name, "/"):
			hdr.Typeflag, hdr.Mode = tar.TypeDir, 0o755
		case e.data != nil:
			hdr.Size = int64(len(e.data))
		default:
			hdr.Size = e.info.Size()
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		switch {
		case e.data != nil:
			if _, err := tw.Write(e.data); err != nil {
				return err
			}
		case e.path != "":
			if err := copyFile(tw, e.path); err != nil {
				return fmt.Errorf("%s: %w", e.name, err)
			}
		}
	}
	return tw.Close()
}

// copyFile copies the file at p into w.
func copyFile(w io.Writer, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
