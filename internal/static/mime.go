package static

import "strings"

// mimeTypes maps lowercase file extensions to media types: the standard
// library's built-in table (mime.TypeByExtension without system files)
// plus the common web types Debian's /etc/mime.types adds, so responses do
// not depend on the machine's files. text/* types carry charset=utf-8, as
// mime.TypeByExtension adds.
var mimeTypes = map[string]string{
	".avif":        "image/avif",
	".css":         "text/css; charset=utf-8",
	".gif":         "image/gif",
	".htm":         "text/html; charset=utf-8",
	".html":        "text/html; charset=utf-8",
	".jpeg":        "image/jpeg",
	".jpg":         "image/jpeg",
	".js":          "text/javascript; charset=utf-8",
	".json":        "application/json",
	".mjs":         "text/javascript; charset=utf-8",
	".pdf":         "application/pdf",
	".png":         "image/png",
	".svg":         "image/svg+xml",
	".wasm":        "application/wasm",
	".webp":        "image/webp",
	".xml":         "text/xml; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".csv":         "text/csv; charset=utf-8",
	".ico":         "image/vnd.microsoft.icon",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".mp4":         "video/mp4",
	".webm":        "video/webm",
	".mp3":         "audio/mpeg",
	".ogg":         "audio/ogg",
	".wav":         "audio/x-wav",
	".zip":         "application/zip",
	".gz":          "application/gzip",
	".tar":         "application/x-tar",
	".webmanifest": "application/manifest+json",
	".rss":         "application/x-rss+xml",
	".atom":        "application/atom+xml",
}

// TypeByExtension returns the media type for name's extension, or "".
func TypeByExtension(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || strings.IndexByte(name[i:], '/') >= 0 {
		return ""
	}
	return mimeTypes[strings.ToLower(name[i:])]
}
