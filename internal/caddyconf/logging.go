package caddyconf

import "encoding/json"

// Logging configures named loggers, as Caddy's caddy.Logging.
type Logging struct {
	// Sink captures logs of the standard library's log package.
	Sink *SinkLog `json:"sink,omitempty"`
	// Logs are the loggers by name ("default" is the default logger).
	Logs map[string]*CustomLog `json:"logs,omitempty"`
}

// SinkLog is as Caddy's caddy.SinkLog.
type SinkLog struct {
	BaseLog
}

// CustomLog is one logger, as Caddy's caddy.CustomLog.
type CustomLog struct {
	BaseLog
	// Include are logger names this log takes.
	Include []string `json:"include,omitempty"`
	// Exclude are logger names it leaves out.
	Exclude []string `json:"exclude,omitempty"`
}

// BaseLog is what every log has, as Caddy's caddy.BaseLog.
type BaseLog struct {
	// Writer is the output (default stderr).
	Writer *LogWriterModule `json:"writer,omitempty"`
	// Encoder formats entries (default: console on a terminal, else json).
	Encoder *LogEncoderModule `json:"encoder,omitempty"`
	// Core replaces the logging core; not supported.
	Core unsupportedField `json:"core,omitempty"`
	// Level is the minimum level ("DEBUG", "INFO", ...).
	Level string `json:"level,omitempty"`
	// Sampling thins high-volume logs.
	Sampling *LogSampling `json:"sampling,omitempty"`
	// WithCaller adds the caller's file and line.
	WithCaller bool `json:"with_caller,omitempty"`
	// WithCallerSkip skips stack frames for the caller.
	WithCallerSkip int `json:"with_caller_skip,omitempty"`
	// WithStacktrace adds stack traces at this level and above.
	WithStacktrace string `json:"with_stacktrace,omitempty"`
}

// LogSampling is as Caddy's caddy.LogSampling.
type LogSampling struct {
	// Interval is the sampling window in nanoseconds.
	Interval Duration `json:"interval,omitempty"`
	// First entries per window are always logged.
	First int `json:"first,omitempty"`
	// Thereafter logs every Nth entry after First.
	Thereafter int `json:"thereafter,omitempty"`
}

// LogWriterModule is a log output named by "output": file, stdout,
// stderr, discard or net.
type LogWriterModule = Inline[logWriters]

type logWriters struct{}

func (logWriters) inlineKey() string { return "output" }
func (logWriters) kind() string      { return "log writer" }
func (logWriters) newModule(name string) Module {
	switch name {
	case "file":
		return new(FileWriter)
	case "stdout", "stderr", "discard":
		return &StdWriter{Name: name}
	case "net":
		return new(NetWriter)
	}
	return nil
}

// StdWriter is "stdout", "stderr" or "discard".
type StdWriter struct {
	// Name is the writer name.
	Name string `json:"-"`
}

// ModuleName returns the writer name.
func (w *StdWriter) ModuleName() string { return w.Name }

// FileWriter writes to a rolled file, as Caddy's logging.FileWriter.
type FileWriter struct {
	// Filename is the file.
	Filename string `json:"filename,omitempty"`
	// Mode is the file mode (octal string such as "0640").
	Mode string `json:"mode,omitempty"`
	// DirMode is the mode of created directories ("inherit", "from_file", octal).
	DirMode string `json:"dir_mode,omitempty"`
	// Roll enables rolling (default true).
	Roll *bool `json:"roll,omitempty"`
	// RollSizeMB rolls at this size.
	RollSizeMB int `json:"roll_size_mb,omitempty"`
	// RollInterval rolls at this age.
	RollInterval Duration `json:"roll_interval,omitempty"`
	// RollMinutes rolls at these minutes of each hour.
	RollMinutes []int `json:"roll_minutes,omitempty"`
	// RollAt rolls at these times of day ("HH:MM").
	RollAt []string `json:"roll_at,omitempty"`
	// RollGzip compresses rolled files (deprecated form).
	RollGzip *bool `json:"roll_gzip,omitempty"`
	// RollCompression is "gzip", "zstd" or "none".
	RollCompression string `json:"roll_compression,omitempty"`
	// RollLocalTime names rolled files in local time.
	RollLocalTime bool `json:"roll_local_time,omitempty"`
	// RollKeep is the number of rolled files kept.
	RollKeep int `json:"roll_keep,omitempty"`
	// RollKeepDays is how long rolled files are kept.
	RollKeepDays int `json:"roll_keep_days,omitempty"`
	// BackupTimeFormat formats rolled file names.
	BackupTimeFormat string `json:"backup_time_format,omitempty"`
}

// ModuleName returns "file".
func (*FileWriter) ModuleName() string { return "file" }

// NetWriter writes to a network socket, as Caddy's logging.NetWriter.
type NetWriter struct {
	// Address is the network address.
	Address string `json:"address,omitempty"`
	// DialTimeout bounds connecting.
	DialTimeout Duration `json:"dial_timeout,omitempty"`
	// SoftStart starts even if the address is unreachable.
	SoftStart bool `json:"soft_start,omitempty"`
}

// ModuleName returns "net".
func (*NetWriter) ModuleName() string { return "net" }

// LogEncoderModule formats log entries, named by "format": json, console,
// filter or append.
type LogEncoderModule = Inline[logEncoders]

type logEncoders struct{}

func (logEncoders) inlineKey() string { return "format" }
func (logEncoders) kind() string      { return "log encoder" }
func (logEncoders) newModule(name string) Module {
	switch name {
	case "json", "console":
		return &TextEncoder{Name: name}
	case "filter":
		return new(FilterEncoder)
	case "append":
		return new(AppendEncoder)
	}
	return nil
}

// TextEncoder is the "json" or "console" encoder, as Caddy's
// logging.JSONEncoder and ConsoleEncoder (LogEncoderConfig fields).
type TextEncoder struct {
	// Name is "json" or "console".
	Name string `json:"-"`
	// MessageKey names the message field.
	MessageKey *string `json:"message_key,omitempty"`
	// LevelKey names the level field.
	LevelKey *string `json:"level_key,omitempty"`
	// TimeKey names the time field.
	TimeKey *string `json:"time_key,omitempty"`
	// NameKey names the logger-name field.
	NameKey *string `json:"name_key,omitempty"`
	// CallerKey names the caller field.
	CallerKey *string `json:"caller_key,omitempty"`
	// StacktraceKey names the stack-trace field.
	StacktraceKey *string `json:"stacktrace_key,omitempty"`
	// LineEnding ends each entry.
	LineEnding *string `json:"line_ending,omitempty"`
	// TimeFormat formats times ("unix_seconds_float", "iso8601", a layout...).
	TimeFormat string `json:"time_format,omitempty"`
	// TimeLocal uses local time.
	TimeLocal bool `json:"time_local,omitempty"`
	// DurationFormat formats durations.
	DurationFormat string `json:"duration_format,omitempty"`
	// LevelFormat formats levels.
	LevelFormat string `json:"level_format,omitempty"`
}

// ModuleName returns "json" or "console".
func (e *TextEncoder) ModuleName() string { return e.Name }

// FilterEncoder filters fields before a wrapped encoder, as Caddy's
// logging.FilterEncoder. The field filters are log tuning: they are kept
// as JSON and reported as a warning.
type FilterEncoder struct {
	// Wrap is the encoder that writes the filtered entry.
	Wrap *LogEncoderModule `json:"wrap,omitempty"`
	// Fields maps field paths to filters (kept as JSON, not checked).
	Fields json.RawMessage `json:"fields,omitempty" zs:"warn"`
}

// ModuleName returns "filter".
func (*FilterEncoder) ModuleName() string { return "filter" }

// AppendEncoder adds fields before a wrapped encoder, as Caddy's
// logging.AppendEncoder.
type AppendEncoder struct {
	// Wrap is the encoder that writes the entry.
	Wrap *LogEncoderModule `json:"wrap,omitempty"`
	// Fields are added to each entry (placeholders expanded).
	Fields map[string]any `json:"fields,omitempty"`
}

// ModuleName returns "append".
func (*AppendEncoder) ModuleName() string { return "append" }
