#!/usr/bin/env bash
# generation-cost.sh (make cost): what our generation (overlay, type mapping,
# no getters) costs against naive generation of the same spec, in one run on
# one machine. Prints a markdown table and writes it, with the date and the
# machine, between the cost markers of docs/generation-cost.md, which
# describes the method.
#
# Both are generated and compiled in a throw-away copy of the repository
# (tracked files, as in the working tree), from the installed, pinned spec.
# Compile time: each package is built once to warm the build cache with its
# dependencies, then, COST_RUNS times (default 3), a comment is appended to
# its generated file and `go build` of that package alone is timed; the
# table gives the median. Only the generated package recompiles, so the
# number is its own compile time, not the standard library's.
set -euo pipefail

GO=${GO:-go}
runs=${COST_RUNS:-3}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/copy-repo.sh
source "$root/scripts/copy-repo.sh"
doc="$root/docs/generation-cost.md"
spec="$root/api/keepnet-api-spec.json"
begin_marker='<!-- generation-cost:begin -->'
end_marker='<!-- generation-cost:end -->'

[ -f "$spec" ] || { echo "generation-cost: $spec is not installed: run 'make spec-verify'" >&2; exit 2; }
(cd "$root/api" && sha256sum --quiet -c keepnet-api-spec.json.sha256 >/dev/null 2>&1) ||
  { echo "generation-cost: $spec is not the pinned spec" >&2; exit 2; }
grep -qF "$begin_marker" "$doc" && grep -qF "$end_marker" "$doc" ||
  { echo "generation-cost: $doc lacks the $begin_marker / $end_marker markers" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/generation-cost.XXXXXX")
trap 'rm -rf "$work"' EXIT
repo="$work/repo"
copy_repo "$root" "$repo"
cp "$spec" "$repo/api/keepnet-api-spec.json"
cd "$repo"

now_ms() { date +%s%3N; }

# The naive configuration: what oapi-codegen's README starts from.
mkdir -p naivegen
cat >naive.yaml <<'EOF'
package: naivegen
output: naivegen/keepnet.gen.go
generate:
  models: true
  client: true
EOF

echo "generation-cost: warming the tools" >&2
$GO build -o /dev/null ./internal/cmd/keepnet-overlay
$GO tool oapi-codegen -version >/dev/null

echo "generation-cost: generating (ours, then naive)" >&2
t0=$(now_ms)
make --no-print-directory generate >"$work/ours.log" 2>&1 || { cat "$work/ours.log" >&2; exit 1; }
ours_gen_ms=$(($(now_ms) - t0))
t0=$(now_ms)
$GO tool oapi-codegen -config naive.yaml api/keepnet-api-spec.json >"$work/naive.log" 2>&1 || { cat "$work/naive.log" >&2; exit 1; }
naive_gen_ms=$(($(now_ms) - t0))

ours=gen/keepnet.gen.go
naive=naivegen/keepnet.gen.go
size() { wc -c <"$1" | tr -d ' '; }
lines() { wc -l <"$1" | tr -d ' '; }
count() { grep -c -- "$1" "$2" || true; }
ours_size=$(size $ours) naive_size=$(size $naive)
ours_lines=$(lines $ours) naive_lines=$(lines $naive)
ours_client=$(count '^func (c \*Client) ' $ours) naive_client=$(count '^func (c \*Client) ' $naive)
ours_cwr=$(count '^func (c \*ClientWithResponses) ' $ours) naive_cwr=$(count '^func (c \*ClientWithResponses) ' $naive)
ours_types=$(count '^type ' $ours) naive_types=$(count '^type ' $naive)

# timed_build PKG prints "milliseconds peak-KiB" for `go build ./PKG`; the
# peak is the largest process of the build (the compiler), when GNU time is
# there to tell.
timed_build() {
  local t0 ms
  t0=$(now_ms)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$work/rss" $GO build "./$1" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; return 1; }
  else
    $GO build "./$1" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; return 1; }
    echo "" >"$work/rss"
  fi
  ms=$(($(now_ms) - t0))
  echo "$ms $(cat "$work/rss")"
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "generation-cost: warming the build cache (first build of each package, not timed)" >&2
$GO build ./gen ./naivegen

ours_ms=() naive_ms=() ours_rss=() naive_rss=()
for i in $(seq "$runs"); do
  echo "generation-cost: compile run $i of $runs" >&2
  # Alternate the two so that load from elsewhere on the machine falls on both.
  for pkg in gen naivegen; do
    printf '\n// generation-cost run %d: a new file content, so only this package recompiles\n' "$i" >>"$pkg/keepnet.gen.go"
    read -r ms rss < <(timed_build "$pkg")
    if [ "$pkg" = gen ]; then
      ours_ms+=("$ms") ours_rss+=("${rss:-0}")
    else
      naive_ms+=("$ms") naive_rss+=("${rss:-0}")
    fi
  done
done
ours_compile=$(printf '%s\n' "${ours_ms[@]}" | median)
naive_compile=$(printf '%s\n' "${naive_ms[@]}" | median)
ours_peak=$(printf '%s\n' "${ours_rss[@]}" | median)
naive_peak=$(printf '%s\n' "${naive_rss[@]}" | median)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
seconds() { awk -v ms="$1" 'BEGIN { printf "%.1f s", ms / 1000 }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "n/a")
codegen_version=$($GO list -m -f '{{.Version}}' github.com/oapi-codegen/oapi-codegen/v2)
table=$(
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores${cpu:+ ($cpu)}, $($GO env GOVERSION), oapi-codegen $codegen_version; load average at the end: $load. Compile figures are the median of $runs runs."
  echo
  row "" "naive" "keepnet-flow" "keepnet-flow / naive"
  row "---" "---:" "---:" "---:"
  row "generated file size" "$(mib "$naive_size") ($naive_size B)" "$(mib "$ours_size") ($ours_size B)" "$(ratio "$ours_size" "$naive_size")"
  row "lines" "$naive_lines" "$ours_lines" "$(ratio "$ours_lines" "$naive_lines")"
  row "Client methods" "$naive_client" "$ours_client" "$(ratio "$ours_client" "$naive_client")"
  row "ClientWithResponses methods" "$naive_cwr" "$ours_cwr" "$(ratio "$ours_cwr" "$naive_cwr")"
  row "type declarations" "$naive_types" "$ours_types" "$(ratio "$ours_types" "$naive_types")"
  row "generation time (naive: oapi-codegen; ours: make generate)" "$(seconds "$naive_gen_ms")" "$(seconds "$ours_gen_ms")" "$(ratio "$ours_gen_ms" "$naive_gen_ms")"
  row "compile time of the package" "$(seconds "$naive_compile")" "$(seconds "$ours_compile")" "$(ratio "$ours_compile" "$naive_compile")"
  if [ "$ours_peak" != 0 ]; then
    row "peak compiler memory" "$(mib $((naive_peak * 1024)))" "$(mib $((ours_peak * 1024)))" "$(ratio "$ours_peak" "$naive_peak")"
  fi
)
echo "$table"

# Replace what is between the markers, keeping the rest of the document.
table=$table awk -v begin="$begin_marker" -v end="$end_marker" '
  $0 == begin { print; print ""; print ENVIRON["table"]; print ""; skip = 1; next }
  $0 == end { skip = 0 }
  !skip { print }
' "$doc" >"$work/doc.md"
cp "$work/doc.md" "$doc"
echo "generation-cost: wrote the table into ${doc#"$root/"}" >&2
