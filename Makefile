# Conveniences over the two documented commands (README.md).

BIN ?= $(CURDIR)/bin/zeroserve
CADDY ?= $(shell command -v caddy || echo $(HOME)/go/bin/caddy)
HARNESS ?= $(CURDIR)/../shared/bench/routing-bench
# Extra routing-bench flags, e.g. BENCH_ARGS="--modes https-proxy --sites 256".
BENCH_ARGS ?= --matrix

.PHONY: build test bench

# A static binary, as Caddy's releases: nothing in zeroserve uses cgo, and
# without libc and the dynamic loader mapped the server's resident set is
# 1.5-2.5 MiB smaller (docs/ARCHITECTURE.md).
build:
	CGO_ENABLED=0 go build -o $(BIN) ./cmd/zeroserve

test:
	bash scripts/test

# bench runs the side-by-side harness (zeroserve, Caddy, nginx) on this
# tree's binary with the harness's default zeroserve command
# ({bin} run --config {caddyfile_stock}). Needs nginx, wrk and Caddy
# (go install github.com/caddyserver/caddy/v2/cmd/caddy@v2.11.9).
bench: build
	$(HARNESS) --zeroserve-bin $(BIN) --caddy-bin $(CADDY) $(BENCH_ARGS)
