package caddyfile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// defaultLoggerName is the name of Caddy's default logger.
const defaultLoggerName = "default"

// customLog is one logger of the logging app, as caddy.CustomLog marshals.
type customLog struct {
	Writer   Obj          `json:"writer,omitempty"`
	Encoder  Obj          `json:"encoder,omitempty"`
	Level    string       `json:"level,omitempty"`
	Sampling *logSampling `json:"sampling,omitempty"`
	Include  []string     `json:"include,omitempty"`
	Exclude  []string     `json:"exclude,omitempty"`
}

// logSampling is caddy.LogSampling.
type logSampling struct {
	Interval   int64 `json:"interval,omitempty"`
	First      int   `json:"first,omitempty"`
	Thereafter int   `json:"thereafter,omitempty"`
}

// isEmpty reports whether the log configures nothing.
func (cl *customLog) isEmpty() bool {
	return cl.Writer == nil && cl.Encoder == nil && cl.Level == "" && cl.Sampling == nil &&
		cl.Include == nil && cl.Exclude == nil
}

// namedCustomLog is the value of a "custom_log" config value: a log
// directive or global log option.
type namedCustomLog struct {
	name       string
	hostnames  []string
	log        *customLog // nil for an access log with default settings
	noHostname bool
}

func init() {
	RegisterDirective("log", func(h Helper) ([]ConfigValue, error) { return parseLog(h, nil) })
	RegisterHandlerDirective("log_skip", parseLogSkip)
	RegisterHandlerDirective("skip_log", parseLogSkip)
	RegisterHandlerDirective("log_name", parseLogName)
	RegisterHandlerDirective("log_level", parseLogLevel)
	RegisterHandlerDirective("log_append", parseLogAppend)
}

// parseOptLog parses the global "log [name] { ... }" option; existing holds
// the loggers defined by earlier log options.
func parseOptLog(d *caddyfile.Dispenser, existing any) (any, error) {
	names := map[string]struct{}{}
	prev, _ := existing.([]ConfigValue)
	for _, v := range prev {
		names[v.Value.(namedCustomLog).name] = struct{}{}
	}
	return parseLog(Helper{Dispenser: d, State: map[string]any{}}, names)
}

// parseLog parses the log directive (globalNames nil) or the global log
// option (globalNames holds the names already used):
//
//	log [name] {
//		hostnames <names...>
//		output stdout|stderr|discard|file <path> { roll_* }
//		format console|json|filter|append|journald ...
//		level <level>
//		sampling { interval <d>; first <n>; thereafter <n> }
//		include|exclude <namespaces...>   (global option only)
//		no_hostname
//	}
func parseLog(h Helper, globalNames map[string]struct{}) ([]ConfigValue, error) {
	h.Next()
	global := globalNames != nil
	var name string
	if h.NextArg() {
		name = h.Val()
		if h.NextArg() {
			return nil, h.ArgErr()
		}
	} else if global {
		name = defaultLoggerName
	}
	if global {
		if _, dup := globalNames[name]; dup {
			return nil, h.Err("duplicate global log option for: " + name)
		}
	}
	cl := &customLog{}
	var hostnames []string
	noHostname := false
	seen := map[string]bool{}
	unique := func(sub string) error {
		if seen[sub] {
			return h.Errf("'%s' subdirective specified more than once in the same log block", sub)
		}
		seen[sub] = true
		return nil
	}
	for h.NextBlock(0) {
		sub := h.Val()
		switch sub {
		case "hostnames":
			if global {
				return nil, h.Err("hostnames is not allowed in the log global options")
			}
			args := h.RemainingArgs()
			if len(args) == 0 {
				return nil, h.ArgErr()
			}
			hostnames = append(hostnames, args...)
		case "output":
			if err := unique(sub); err != nil {
				return nil, err
			}
			w, err := parseLogWriter(h.Dispenser)
			if err != nil {
				return nil, err
			}
			cl.Writer = w
		case "format":
			if err := unique(sub); err != nil {
				return nil, err
			}
			if !h.NextArg() {
				return nil, h.ArgErr()
			}
			enc, err := parseLogEncoder(h.Dispenser)
			if err != nil {
				return nil, err
			}
			cl.Encoder = enc
		case "level":
			if err := unique(sub); err != nil {
				return nil, err
			}
			if !h.NextArg() {
				return nil, h.ArgErr()
			}
			cl.Level = h.Val()
			if h.NextArg() {
				return nil, h.ArgErr()
			}
		case "sampling":
			if err := unique(sub); err != nil {
				return nil, err
			}
			s, err := parseLogSampling(h.Dispenser)
			if err != nil {
				return nil, err
			}
			cl.Sampling = s
		case "include", "exclude":
			if !global {
				return nil, h.Errf("%s is not allowed in the log directive", sub)
			}
			for h.NextArg() {
				if sub == "include" {
					cl.Include = append(cl.Include, h.Val())
				} else {
					cl.Exclude = append(cl.Exclude, h.Val())
				}
			}
		case "no_hostname":
			if err := unique(sub); err != nil {
				return nil, err
			}
			if h.NextArg() {
				return nil, h.ArgErr()
			}
			noHostname = true
		default:
			return nil, unsupported(h.Dispenser, "log subdirective")
		}
	}

	val := namedCustomLog{hostnames: hostnames, noHostname: noHostname}
	empty := cl.isEmpty()
	if global {
		val.name = name
	} else {
		if name != "" {
			val.name = name
		} else if !empty {
			n, _ := h.State["logCounter"].(int)
			val.name = "log" + strconv.Itoa(n)
			h.State["logCounter"] = n + 1
		}
		if val.name != "" {
			cl.Include = []string{"http.log.access." + val.name}
		}
	}
	if !empty {
		val.log = cl
	}
	return []ConfigValue{{Class: "custom_log", Value: val}}, nil
}

// parseLogWriter parses "output <writer> ..." with the dispenser on
// "output".
func parseLogWriter(d *caddyfile.Dispenser) (Obj, error) {
	if !d.NextArg() {
		return nil, d.ArgErr()
	}
	switch d.Val() {
	case "stdout", "stderr", "discard":
		return Obj{"output": d.Val()}, nil
	case "file":
	default:
		return nil, unsupported(d, "log output")
	}
	d = moduleDispenser(d)
	w := Obj{"output": "file"}
	if !d.NextArg() {
		return nil, d.ArgErr()
	}
	w["filename"] = d.Val()
	if d.NextArg() {
		return nil, d.ArgErr()
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		if err := parseFileWriterOption(d, w); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// parseFileWriterOption parses one option of the file log writer into w
// (caddy's logging.FileWriter JSON).
func parseFileWriterOption(d *caddyfile.Dispenser, w Obj) error {
	sub := d.Val()
	switch sub {
	case "roll_disabled", "roll_uncompressed", "roll_local_time":
		if d.NextArg() {
			return d.ArgErr()
		}
		switch sub {
		case "roll_disabled":
			w["roll"] = false
		case "roll_uncompressed":
			w["roll_gzip"] = false
		default:
			w["roll_local_time"] = true
		}
		return nil
	case "roll_at", "roll_minutes":
		args := d.RemainingArgs()
		if len(args) == 0 {
			return d.ArgErr()
		}
		var times []string
		var minutes []int
		for _, arg := range args {
			for _, part := range strings.Split(arg, ",") {
				part = strings.TrimSpace(part)
				if part == "" {
					return d.Errf("parsing %s: empty value", sub)
				}
				if sub == "roll_at" {
					times = append(times, part)
					continue
				}
				m, err := strconv.Atoi(part)
				if err != nil {
					return d.Errf("parsing roll_minutes number: %v", err)
				}
				minutes = append(minutes, m)
			}
		}
		if sub == "roll_at" {
			w["roll_at"] = times
		} else {
			w["roll_minutes"] = minutes
		}
		return nil
	}
	var arg string
	if !d.AllArgs(&arg) {
		return d.ArgErr()
	}
	switch sub {
	case "mode":
		mode, err := parseFileMode(arg)
		if err != nil {
			return d.Errf("parsing mode: %v", err)
		}
		if mode != 0 {
			w["mode"] = fmt.Sprintf("%04o", mode)
		}
	case "dir_mode":
		arg = strings.TrimSpace(arg)
		if l := strings.ToLower(arg); l != "inherit" && l != "from_file" {
			if _, err := parseFileMode(arg); err != nil {
				return d.Errf("parsing dir_mode: %v", err)
			}
		}
		w["dir_mode"] = arg
	case "roll_size":
		size, err := parseByteSize(arg)
		if err != nil {
			return d.Errf("parsing size: %v", err)
		}
		w["roll_size_mb"] = int(math.Ceil(float64(size) / (1 << 20)))
	case "roll_compression":
		comp := strings.ToLower(strings.TrimSpace(arg))
		if comp != "none" && comp != "gzip" && comp != "zstd" {
			return d.Errf("parsing roll_compression: must be 'none', 'gzip' or 'zstd'")
		}
		w["roll_compression"] = comp
	case "roll_keep":
		n, err := strconv.Atoi(arg)
		if err != nil {
			return d.Errf("parsing roll_keep number: %v", err)
		}
		w["roll_keep"] = n
	case "roll_keep_for":
		dur, err := parseDuration(arg)
		if err != nil {
			return d.Errf("parsing roll_keep_for duration: %v", err)
		}
		if dur < 0 {
			return d.Errf("negative roll_keep_for duration: %v", arg)
		}
		w["roll_keep_days"] = int(math.Ceil(float64(dur) / float64(24*time.Hour)))
	case "roll_interval":
		dur, err := parseDuration(arg)
		if err != nil {
			return d.Errf("parsing roll_interval duration: %v", err)
		}
		w["roll_interval"] = dur
	case "backup_time_format":
		w["backup_time_format"] = arg
	default:
		return d.Errf("unrecognized subdirective '%s'", sub)
	}
	return nil
}

// parseFileMode parses an octal file mode of 1 to 4 digits ("644").
func parseFileMode(s string) (uint64, error) {
	return strconv.ParseUint(fmt.Sprintf("%04s", s), 8, 32)
}

// parseLogSampling parses "sampling { interval first thereafter }".
func parseLogSampling(d *caddyfile.Dispenser) (*logSampling, error) {
	for d.NextArg() {
	}
	s := &logSampling{}
	seen := map[string]bool{}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		sub := d.Val()
		if seen[sub] {
			return nil, d.Errf("'%s' specified more than once in the same sampling block", sub)
		}
		seen[sub] = true
		if !d.NextArg() {
			return nil, d.ArgErr()
		}
		var err error
		switch sub {
		case "interval":
			s.Interval, err = parseDuration(d.Val())
		case "first":
			s.First, err = strconv.Atoi(d.Val())
		case "thereafter":
			s.Thereafter, err = strconv.Atoi(d.Val())
		default:
			return nil, d.Errf("unrecognized subdirective: %s", sub)
		}
		if err != nil {
			return nil, d.Errf("failed to parse %s: %v", sub, err)
		}
	}
	return s, nil
}

// parseLogSkip parses "log_skip [<matcher>]": skip access logs.
func parseLogSkip(h Helper) (Obj, error) {
	h.Next()
	if h.Val() == "skip_log" {
		h.Warn("the 'skip_log' directive is deprecated, please use 'log_skip' instead!")
	}
	if h.NextArg() {
		return nil, h.ArgErr()
	}
	if h.NextBlock(0) {
		return nil, h.Err("log_skip directive does not accept blocks")
	}
	return Obj{"handler": "vars", "log_skip": true}, nil
}

// parseLogName parses "log_name [<matcher>] <names...>": the access
// loggers to use.
func parseLogName(h Helper) (Obj, error) {
	h.Next()
	return Obj{"handler": "vars", "access_logger_names": h.RemainingArgs()}, nil
}

// parseLogLevel parses "log_level [<matcher>] <level>": the severity of
// the access log entries of matching requests (DEBUG to ERROR).
func parseLogLevel(h Helper) (Obj, error) {
	h.Next()
	args := h.RemainingArgs()
	if len(args) != 1 {
		return nil, h.ArgErr()
	}
	if h.NextBlock(0) {
		return nil, h.Err("log_level directive does not accept blocks")
	}
	level := strings.ToLower(args[0])
	switch level {
	case "debug", "info", "warn", "error":
	default:
		return nil, h.Errf("invalid log level %q: expected DEBUG, INFO, WARN, or ERROR", args[0])
	}
	return Obj{"handler": "vars", "log_level": level}, nil
}

// parseLogAppend parses "log_append [<matcher>] [<]<key> <value>": a field
// added to the access log entry ("<" adds it early, before the handlers).
func parseLogAppend(h Helper) (Obj, error) {
	h.Next()
	if !h.NextArg() {
		return nil, h.ArgErr()
	}
	key := h.Val()
	if !h.NextArg() {
		return nil, h.ArgErr()
	}
	obj := Obj{"handler": "log_append", "value": h.Val()}
	if strings.HasPrefix(key, "<") && len(key) > 1 {
		obj["early"] = true
		key = key[1:]
	}
	if key != "" {
		obj["key"] = key
	}
	if obj["value"] == "" {
		delete(obj, "value")
	}
	return obj, nil
}

// buildLogging returns the loggers of the logging app: global log options,
// the debug level, then the site log directives; loggers that include
// namespaces are excluded from the default logger.
func (a *adaptation) buildLogging(pairings []pairing) map[string]*customLog {
	var logs []namedCustomLog
	hasDefault := false
	_, debug := a.options["debug"]
	add := func(ncl namedCustomLog) {
		if ncl.name == "" {
			return
		}
		if ncl.name == defaultLoggerName {
			hasDefault = true
		}
		if debug && ncl.log != nil && ncl.log.Level == "" {
			ncl.log.Level = "DEBUG"
		}
		logs = append(logs, ncl)
	}
	if vals, ok := a.options["log"].([]ConfigValue); ok {
		for _, v := range vals {
			add(v.Value.(namedCustomLog))
		}
	}
	if !hasDefault && debug {
		logs = append(logs, namedCustomLog{name: defaultLoggerName, log: &customLog{Level: "DEBUG"}})
	}
	for _, p := range pairings {
		for _, sb := range p.serverBlocks {
			for _, v := range sb.pile["custom_log"] {
				add(v.Value.(namedCustomLog))
			}
		}
	}
	out := map[string]*customLog{}
	for _, ncl := range logs {
		if ncl.name == defaultLoggerName && ncl.log != nil {
			out[defaultLoggerName] = ncl.log
			break
		}
	}
	for _, ncl := range logs {
		if ncl.log == nil || ncl.name == defaultLoggerName {
			continue
		}
		out[ncl.name] = ncl.log
		if len(ncl.log.Include) > 0 {
			def, ok := out[defaultLoggerName]
			if !ok {
				def = &customLog{}
				out[defaultLoggerName] = def
			}
			def.Exclude = sortedUnique(append(def.Exclude, ncl.log.Include...))
		}
	}
	return out
}
