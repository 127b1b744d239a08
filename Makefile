# keepnet-flow: see README.md. Every target works on a fresh clone with Go
# installed; tools are pinned in go.mod and run with `go tool`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

SPEC_FILE   := api/keepnet-api-spec.json
SPEC_PIN    := api/keepnet-api-spec.json.sha256
OVERLAY     := api/.build/keepnet.overlay.json
CLIENT_TMPL := api/.build/client.tmpl
OPS_TABLE   := internal/apiops/operations.gen.go
SHARED_SPEC := ../shared/keepnet-api/keepnet-api-spec.json
VENDOR_URL  := https://3453589210-files.gitbook.io/~/files/v0/b/gitbook-x-prod.appspot.com/o/spaces%2F-LMcQ_WCXOrHv3r05ae5%2Fuploads%2Fgit-blob-31c738c1a6bb3d2911bd3730c780d6ad7fa6bbad%2Fkeepnet-api-spec.json?alt=media
# SPEC may be a path or a URL; by default the shared copy, else the vendor's.
SPEC ?= $(if $(wildcard $(SHARED_SPEC)),$(SHARED_SPEC),$(VENDOR_URL))

GO ?= go

# fetch_spec: copy or download SPEC to $(1). A failed download says, in one
# line, how to install the spec by hand: the vendor's URL is unreachable
# from many networks (CI's included), and a fresh clone has no ../shared
# copy to fall back on.
define fetch_spec
case "$(SPEC)" in \
  http://*|https://*) curl -fsSL --retry 3 -o $(1) "$(SPEC)" 2>/dev/null || { rm -f $(1); \
    echo "make $@: the vendor's spec is not installed and could not be downloaded; download keepnet-api-spec.json from https://doc.keepnetlabs.com/api-reference (the spec its how-to pages link) on a machine that can reach it, then run: make spec SPEC=path/to/keepnet-api-spec.json" >&2; exit 2; } ;; \
  *) [ -f "$(SPEC)" ] || { echo "make $@: $(SPEC): no such file; run: make spec SPEC=path/to/keepnet-api-spec.json" >&2; exit 2; }; cp "$(SPEC)" $(1) ;; \
esac
endef

# build stamps the version (git describe against the tags, dev without
# any; VERSION=v1.2.3 overrides), the commit and the build time. Go's own
# VCS stamping would record the commit too, but GOFLAGS=-buildvcs=false and
# builds from an exported tree turn it off.
VERSION    ?= $(shell git describe --tags --dirty 2>/dev/null || echo dev)
COMMIT     := $(shell c=$$(git rev-parse HEAD 2>/dev/null) && { git diff --quiet HEAD || c="$$c+modified"; echo "$$c"; })
BUILD_DATE := $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
STAMP      := github.com/keepnet-flow/keepnet-flow/pkg/keepnet
LDFLAGS    := -X $(STAMP).stampedVersion=$(VERSION) -X $(STAMP).stampedCommit=$(COMMIT) -X $(STAMP).stampedDate=$(BUILD_DATE)

.PHONY: all build docs test test-race vet spec spec-verify generate check-generated spec-diff demo bench cost check-versions fuzz clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/keepnet-flow ./cmd/keepnet-flow

## spec: install SPEC as api/keepnet-api-spec.json and pin its sha256.
spec:
	@mkdir -p api
	@$(call fetch_spec,$(SPEC_FILE).tmp)
	@$(GO) run ./internal/cmd/keepnet-overlay -check $(SPEC_FILE).tmp || { echo "make spec: refusing $(SPEC): not a spec keepnet-flow can generate from" >&2; rm -f $(SPEC_FILE).tmp; exit 2; }
	@mv $(SPEC_FILE).tmp $(SPEC_FILE)
	@cd api && sha256sum keepnet-api-spec.json > keepnet-api-spec.json.sha256
	@echo "installed $(SPEC) as $(SPEC_FILE), pinned sha256 $$(cut -c1-16 $(SPEC_PIN))…"

# spec-verify: the installed spec must be the pinned one. On a fresh clone it
# is installed from SPEC first, and must then match the committed pin.
spec-verify:
	@if [ ! -f $(SPEC_FILE) ]; then \
	  mkdir -p api; \
	  $(call fetch_spec,$(SPEC_FILE)); \
	fi
	@cd api && sha256sum --quiet -c keepnet-api-spec.json.sha256 >/dev/null 2>&1 || { \
	  echo "spec: $(SPEC_FILE) does not match the pin in $(SPEC_PIN) (sha256 $$(sha256sum keepnet-api-spec.json | cut -c1-16)… vs $$(cut -c1-16 keepnet-api-spec.json.sha256)…); run 'make spec SPEC=…' to install and pin a new spec" >&2; exit 2; }

$(OVERLAY): $(SPEC_FILE) $(wildcard internal/specnames/*.go) internal/cmd/keepnet-overlay/main.go
	$(GO) run ./internal/cmd/keepnet-overlay -spec $(SPEC_FILE) -o $(OVERLAY)

# The client template is oapi-codegen's own, of the pinned version, with the
# path parameter check added (internal/cmd/keepnet-template).
$(CLIENT_TMPL): internal/cmd/keepnet-template/main.go go.mod
	$(GO) run ./internal/cmd/keepnet-template -upstream "$$($(GO) list -m -f '{{.Dir}}' github.com/oapi-codegen/oapi-codegen/v2)/pkg/codegen/templates/client.tmpl" -o $(CLIENT_TMPL)

## generate: regenerate gen/ and the operations table from the pinned spec.
generate: spec-verify
	@$(MAKE) --no-print-directory -B $(OVERLAY) $(CLIENT_TMPL)
	$(GO) tool oapi-codegen -config oapi-codegen.yaml $(SPEC_FILE)
	$(GO) run ./internal/cmd/keepnet-operations -spec $(SPEC_FILE) -o $(OPS_TABLE)

# GEN_INPUTS is everything gen/ and the operations table are made from,
# and the outputs themselves: check-generated's stamp is their digest.
GEN_INPUTS = $(SPEC_FILE) oapi-codegen.yaml go.mod go.sum gen/keepnet.gen.go $(OPS_TABLE) \
	$(sort $(wildcard internal/cmd/keepnet-*/*.go internal/specnames/*.go))
GEN_STAMP  := api/.build/check-generated.stamp

## check-generated: fail when gen/ or the operations table is not what the pinned spec generates.
## It regenerates (about 8 s) only when an input or output changed since it last passed;
## CHECK_FULL=1 always regenerates, as CI's fresh clone does.
check-generated: spec-verify
	@digest=$$(cat $(GEN_INPUTS) | sha256sum | cut -c1-64); \
	if [ -z "$${CHECK_FULL:-}" ] && [ -f $(GEN_STAMP) ] && [ "$$(cat $(GEN_STAMP))" = "$$digest" ]; then \
	  echo "gen/ and $(OPS_TABLE): unchanged since they last matched the pinned spec (CHECK_FULL=1 regenerates)"; exit 0; \
	fi; \
	$(MAKE) --no-print-directory -B $(OVERLAY) $(CLIENT_TMPL); \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	sed "s|^output: .*|output: $$tmp/keepnet.gen.go|" oapi-codegen.yaml > $$tmp/oapi-codegen.yaml; \
	$(GO) tool oapi-codegen -config $$tmp/oapi-codegen.yaml $(SPEC_FILE); \
	cmp -s $$tmp/keepnet.gen.go gen/keepnet.gen.go || { echo "gen/ is stale against the pinned spec: run 'make generate' and commit gen/" >&2; exit 1; }; \
	$(GO) run ./internal/cmd/keepnet-operations -spec $(SPEC_FILE) -o $$tmp/operations.gen.go; \
	cmp -s $$tmp/operations.gen.go $(OPS_TABLE) || { echo "$(OPS_TABLE) is stale against the pinned spec: run 'make generate' and commit it" >&2; exit 1; }; \
	mkdir -p $(dir $(GEN_STAMP)); echo "$$digest" > $(GEN_STAMP); \
	echo "gen/ and $(OPS_TABLE) are up to date with the pinned spec"

## spec-diff: breaking changes between the pinned spec and SPEC=<candidate>.
spec-diff: spec-verify
	@[ -n "$(filter-out $(SHARED_SPEC) $(VENDOR_URL),$(SPEC))" ] || { echo "make spec-diff: set SPEC=<path or URL of the candidate spec>" >&2; exit 2; }
	@# Built, not `go run`: go run reports every failure as "exit status 1",
	@# hiding spec-diff's 1 (breaking changes) vs 2 (bad input).
	@$(GO) build -o api/.build/spec-diff ./internal/cmd/spec-diff
	api/.build/spec-diff -base $(SPEC_FILE) -candidate "$(SPEC)"

## docs: regenerate the CLI reference in docs/cli (markdown and man pages) from the commands.
docs:
	$(GO) run ./internal/cmd/gen-docs -dir docs/cli

vet:
	$(GO) vet ./...
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod/go.sum are not tidy: run go mod tidy" >&2; exit 1; }
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^gen/') 2>/dev/null); [ -z "$$out" ] || { echo "gofmt needed: $$out" >&2; exit 1; }

# TEST_P is how many test binaries run at once: one more than the two
# cores, since the browser checks and the subprocess tests spend much of
# their time waiting, and a third binary (or its link) fills that time.
TEST_P ?= 3

# TEST_FIRST are the packages whose tests take longest, named first so that
# go test starts them first and the short ones fill in around them (the
# rest of ./... follows, each package once): 0.97x the wall time of plain
# ./..., median of three paired runs (farm-bench).
TEST_FIRST := ./internal/report/ ./pkg/workflows/ ./pkg/keepnet/ ./internal/surveyreport/ \
	./internal/cli/surveyresults/ ./cmd/keepnet-flow/

## test: the README's test command; CI runs it.
test: check-generated vet
	$(GO) test -count=1 -p $(TEST_P) $(TEST_FIRST) ./...

## test-race: the whole suite under the race detector; CI runs it after make test.
test-race: check-generated
	$(GO) test -race -count=1 -p $(TEST_P) $(TEST_FIRST) ./...

DEMO_REPORT ?= .artifacts/survey-report-demo.html
DEMO_DB     ?= .artifacts/keepnet-demo.db
DEMO_PACK   ?= .artifacts/report-demo

## demo: survey, training and phishing results, a dry-run enrollment, the survey's report, the customer pack, and a sync into SQLite (twice: the second finds little changed) against the built-in sandbox.
demo:
	$(GO) run ./cmd/keepnet-flow --sandbox survey-results --company "Acme Manufacturing" --enrollment "Security Culture Survey" --format csv-wide
	$(GO) run ./cmd/keepnet-flow --sandbox survey-results --all-companies --enrollment "Security Culture Survey" --format csv-wide
	$(GO) run ./cmd/keepnet-flow --sandbox training-results --all-companies --since 2025-10-01 --format csv
	$(GO) run ./cmd/keepnet-flow --sandbox phishing-results --company "Acme Manufacturing" --campaign "Invoice Overdue Lure" --events --format csv-wide
	$(GO) run ./cmd/keepnet-flow --sandbox enroll --company "Acme Manufacturing" --training "Phishing Fundamentals" --group "Finance" --name "Q3 phishing refresher" --dry-run
	@mkdir -p $(dir $(DEMO_REPORT))
	$(GO) run ./cmd/keepnet-flow --sandbox survey-report --all-companies --enrollment "Security Culture Survey" -o $(DEMO_REPORT)
	@echo "survey report: $(abspath $(DEMO_REPORT))"
	@# The sandbox's world is seeded around January 2026.
	$(GO) run ./cmd/keepnet-flow --sandbox report --all-companies --since 2025-12-01 --until 2026-02-01 --brand-name "Example Reseller" -o $(DEMO_PACK)
	@echo "customer pack: $(abspath $(DEMO_PACK))/index.html"
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(GO) run ./cmd/keepnet-flow --sandbox sync --db $(DEMO_DB)
	$(GO) run ./cmd/keepnet-flow --sandbox sync --db $(DEMO_DB)
	@if command -v sqlite3 >/dev/null 2>&1; then \
	  echo "docs/queries.sql, click-rate-trend, asked of $(DEMO_DB):"; \
	  awk '/^-- name: click-rate-trend/ {f=1; next} f && /^-- name:/ {exit} f' docs/queries.sql | sqlite3 -header -column $(DEMO_DB); \
	else echo "sync database: $(abspath $(DEMO_DB)) (install sqlite3 to ask it docs/queries.sql's questions)"; fi

## bench: measure the survey pull against keepnettest, the customer pack, and the store's writes
## (PostgreSQL's too when KEEPNET_FLOW_TEST_POSTGRES is set; see docs/benchmarks.md).
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -count 1 ./pkg/workflows/
	$(GO) test -run '^$$' -bench . -benchtime 3x -count 1 ./internal/surveyreport/
	$(GO) test -run '^$$' -bench . -benchtime 3x -count 1 ./internal/report/
	$(GO) test -run '^$$' -bench . -benchtime 3x -count 1 ./internal/store/

## cost: size and compile time of gen/ against naive generation (docs/generation-cost.md).
cost: spec-verify
	bash scripts/generation-cost.sh

## check-versions: every published spec version installs, generates, builds and vets.
check-versions:
	bash scripts/check-spec-versions.sh

clean:
	rm -rf bin api/.build
