#!/usr/bin/env bash
# check-spec-versions.sh (make check-versions): every published spec
# version, and the changes the vendor's next build is likely to bring, must
# install, generate, build and vet.
#
# Specs checked, each in its own temporary copy of the repository (the
# tracked files as they are in the working tree; the repository itself is
# never touched):
#   - every published spec in ../shared/keepnet-api (the current one and
#     versions/*.json);
#   - the pinned spec with every assembly Version=A.B.C.D bumped to
#     A.(B+1).C.D, whose gen/keepnet.gen.go must be byte-identical to the one
#     generated from the pinned spec: Go names must not depend on versions;
#   - the pinned spec without /connect/token: the client gets its tokens
#     through x/oauth2, not through the generated operation.
# For each: make spec SPEC=<file>, make generate, go build ./...,
# go vet ./gen/ ./pkg/... ./cmd/... . Prints OK/FAIL with timings per spec
# and exits 1 if any failed (2 if it could not start). Needs only Go, make
# and the module proxy, as in CI.
set -euo pipefail

GO=${GO:-go}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/copy-repo.sh
source "$root/scripts/copy-repo.sh"
shared_dir="$root/../shared/keepnet-api"
[ -d "$shared_dir" ] || { echo "check-spec-versions: $shared_dir not found (../shared must sit beside the repository)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/check-spec-versions.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The published specs: the current one first, then older versions.
published=("$shared_dir/keepnet-api-spec.json")
for f in "$shared_dir"/versions/*.json; do
  [ -e "$f" ] && published+=("$f")
done

# The pinned spec is the published file whose sha256 the repository pins;
# the variants are made from it, and its generation is the reference for the
# version-bumped one.
pin=$(cut -d' ' -f1 "$root/api/keepnet-api-spec.json.sha256")
pinned=""
for f in "${published[@]}"; do
  if [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$pin" ]; then
    pinned=$f
    break
  fi
done
[ -n "$pinned" ] || { echo "check-spec-versions: no spec in $shared_dir matches the pin ${pin:0:16}… in api/keepnet-api-spec.json.sha256" >&2; exit 2; }

mkdir -p "$work/variants"
(cd "$root" && $GO run ./scripts/specvariant -bump-versions -in "$pinned" -o "$work/variants/versions-bumped.json")
(cd "$root" && $GO run ./scripts/specvariant -drop-path /connect/token -in "$pinned" -o "$work/variants/no-connect-token.json")

# step NAME DIR LOG CMD... runs one step in DIR, appending its output to LOG
# and its duration to the current spec's timings.
step() {
  local name=$1 dir=$2 log=$3
  shift 3
  local start=$SECONDS
  echo "== $name: $*" >>"$log"
  if (cd "$dir" && "$@") >>"$log" 2>&1; then
    timings+=("$name $((SECONDS - start))s")
    return 0
  fi
  timings+=("$name FAILED after $((SECONDS - start))s")
  return 1
}

results=()
failed=0
pinned_gen="$work/pinned.gen.go"
n=0

# check LABEL SPEC [REFERENCE_GEN]
check() {
  local label=$1 spec=$2 reference=${3:-}
  n=$((n + 1))
  local dir="$work/$n/repo" log="$work/$n.log" start=$SECONDS status=OK note=""
  timings=()
  copy_repo "$root" "$dir"
  local vet=(./gen/ ./pkg/...)
  [ -d "$dir/cmd" ] && vet+=(./cmd/...)
  if step spec "$dir" "$log" make --no-print-directory spec SPEC="$spec" &&
    step generate "$dir" "$log" make --no-print-directory generate &&
    step build "$dir" "$log" "$GO" build ./... &&
    step vet "$dir" "$log" "$GO" vet "${vet[@]}"; then
    if [ "$spec" = "$pinned" ]; then
      cp "$dir/gen/keepnet.gen.go" "$pinned_gen"
    fi
    if [ -n "$reference" ]; then
      if cmp -s "$dir/gen/keepnet.gen.go" "$reference"; then
        note="gen/ byte-identical to the pinned spec's"
      else
        status=FAIL
        note="gen/ differs from the pinned spec's: $(cmp "$dir/gen/keepnet.gen.go" "$reference" 2>&1 | head -n 1 || true)"
      fi
    fi
  else
    status=FAIL
  fi
  local line
  line=$(printf '%-4s  %-62s %4ss  (%s)' "$status" "$label" "$((SECONDS - start))" "$(IFS=,; echo "${timings[*]}" | sed 's/,/, /g')")
  [ -n "$note" ] && line+="; $note"
  echo "$line"
  results+=("$line")
  if [ "$status" = FAIL ]; then
    failed=1
    echo "---- last lines of the log ($label) ----"
    tail -n 25 "$log"
    echo "----"
  fi
  rm -rf "$work/$n"
}

echo "check-spec-versions: generating from each spec in a copy of $root"
check "${pinned#"$root/../"} (pinned)" "$pinned"
for f in "${published[@]}"; do
  [ "$f" = "$pinned" ] || check "${f#"$root/../"}" "$f"
done
if [ -f "$pinned_gen" ]; then
  check "pinned spec, every assembly Version bumped" "$work/variants/versions-bumped.json" "$pinned_gen"
else
  line="FAIL  pinned spec, every assembly Version bumped: not run, the pinned spec itself failed"
  echo "$line"
  results+=("$line")
  failed=1
fi
check "pinned spec without /connect/token" "$work/variants/no-connect-token.json"

echo
echo "Summary:"
printf '%s\n' "${results[@]}"
exit "$failed"
