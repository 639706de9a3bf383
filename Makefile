# klachtd — make targets. `make test` is the test command: it installs what a
# fresh Debian machine lacks (PostgreSQL server binaries, Dovecot, Chromium for
# the browser tests) when run as root, then runs every test with the race
# detector. Tests start their own throwaway PostgreSQL cluster unless
# KLACHTD_TEST_DATABASE_URL is set.

GO       ?= go
BIN      := bin/klachtd
PKGS     := ./...
FUZZTIME ?= 30s

.PHONY: all build test lint demo bench bench-intake fuzz soak deps clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/klachtd

# deps installs the system packages the tests use, only where missing and only
# as root (apt-get); otherwise it says what is missing and the tests that need
# it skip (or fail under CI=true).
deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v dovecot >/dev/null 2>&1 || missing="$$missing dovecot-imapd"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
			(service dovecot stop; service postgresql stop) >/dev/null 2>&1 || true; \
		else \
			echo "missing system packages:$$missing (install them, or tests that need them skip)"; \
		fi; \
	fi

test: deps
	$(GO) test -race -count=1 $(PKGS)

# lint also fails when go.mod/go.sum are not tidy (go mod tidy -diff prints
# what tidy would change).
lint:
	$(GO) vet $(PKGS)
	$(GO) mod tidy -diff
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

demo: deps
	$(GO) run ./cmd/klachtd demo

bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m $(PKGS) | $(GO) run ./cmd/benchtable

# bench-intake drains N waiting mails (default 10 000) from a private Dovecot
# into a durable throwaway PostgreSQL and acknowledges them over SMTP, then
# measures acknowledgement latency at 5 mails/s: see BenchmarkIntake in
# cmd/klachtd. `make bench-intake N=2000` is the quick run.
N ?= 10000
bench-intake: deps
	@uptime
	$(GO) test -run '^$$' -bench '^BenchmarkIntake$$' -benchtime 1x -timeout 60m -v ./cmd/klachtd \
		-args -intake-mails=$(N) | tee /dev/stderr | $(GO) run ./cmd/benchtable
	@uptime

# soak takes 1000 complaints in through two instances of the real binary
# under 20 SIGKILLs and 2 PostgreSQL restarts, and counts what was lost,
# doubled or sent twice (3-8 minutes; not part of test).
soak: deps
	$(GO) run ./cmd/soak -n 1000 -kills 20 -pg-restarts 2

# fuzz runs each fuzz target of the parser and the classifier for FUZZTIME,
# one after another.
fuzz:
	@set -e; for t in FuzzParse FuzzHTMLToText FuzzTNEF FuzzRTF; do \
		echo "== $$t"; $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) ./internal/parse; \
	done; \
	echo "== FuzzClassify"; $(GO) test -run '^$$' -fuzz '^FuzzClassify$$' -fuzztime $(FUZZTIME) ./internal/classify

clean:
	rm -rf bin demo-out
