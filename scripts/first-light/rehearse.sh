#!/usr/bin/env bash
# The rehearsal of GPU first light, on this machine, with exactly what travels:
#
#   scripts/first-light/rehearse.sh [--no-build] [OUT]
#
#   1. builds the two carried files: .devnode/unet3d-gpu.tar.xz and .devnode/node.xz
#      (`pnpm bundle --gpu --node-xz --out .devnode/unet3d-gpu`; --no-build reuses them), at most 40 MB;
#   2. lays out, under /tmp, what the device call gets: the checkout's files that git tracks (or would:
#      untracked, not ignored; no node_modules, no build output) plus only those two files in .devnode/;
#   3. runs that copy's scripts/gpu-first-light.sh --stand-in cpu from an empty folder, with a PATH that has
#      no node, npm, npx, pnpm or corepack, a fresh native build cache and a fresh HOME: the CPU backends stand
#      in for the GPU ones and the tuner tunes the CPU target for real;
#   4. checks the run: every step rc=0 (tf32 skipped: no CPU stand-in), trials measured with some ok, row 4's
#      tunedTasks > 0; then makes the reports here (scripts/first-light/report.sh), as after a GPU run.
# The Python for the peer: $FIRST_LIGHT_PYTHON (a python3 that imports torch), else none (no peer).
# Prints a summary; exit 0 when every check passed.
set -u
BUILD=1
if [ "${1:-}" = --no-build ]; then
  BUILD=""
  shift
fi
REPO=$(cd "$(dirname "$0")/../.." && pwd)
T0=$(date +%s)
REH=$(mktemp -d "${TMPDIR:-/tmp}/unet3d-rehearsal.XXXXXX") || exit 2
OUT=${1:-$REH/out}
fail() {
  echo "rehearsal: FAIL: $*"
  exit 1
}

cd "$REPO" || exit 2
if [ -n "$BUILD" ]; then
  echo "rehearsal: building the carried files (pnpm bundle --gpu --node-xz --out .devnode/unet3d-gpu)"
  pnpm --silent bundle --gpu --node-xz --out .devnode/unet3d-gpu || fail "the bundle build failed"
fi
for f in .devnode/unet3d-gpu.tar.xz .devnode/node.xz; do [ -f "$f" ] || fail "$f is missing (run without --no-build)"; done
CARRIED=$(($(stat -c %s .devnode/unet3d-gpu.tar.xz) + $(stat -c %s .devnode/node.xz)))
echo "rehearsal: carried .devnode/unet3d-gpu.tar.xz $(stat -c %s .devnode/unet3d-gpu.tar.xz) B + .devnode/node.xz $(stat -c %s .devnode/node.xz) B = $((CARRIED / 1000000)) MB"
[ "$CARRIED" -le 40000000 ] || fail "the carried files are $CARRIED bytes, over 40 MB"

# What the device call gets: the work tree's files git knows of, plus the carried paths.
TREE=$REH/tree
mkdir -p "$TREE/.devnode" "$REH/empty" "$REH/home" "$REH/bin" "$REH/native-cache" "$REH/tmp"
git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done | xargs -0 cp --parents -t "$TREE" || fail "cannot copy the work tree"
cp .devnode/unet3d-gpu.tar.xz .devnode/node.xz "$TREE/.devnode/"
[ ! -e "$TREE/node_modules" ] || fail "node_modules travelled"

# A PATH without any Node or package manager: every tool of /usr/bin and /bin except those.
for d in /usr/bin /bin; do
  for f in "$d"/*; do
    case "$(basename "$f")" in
      node | nodejs | npm | npx | pnpm | pnpx | corepack | yarn | yarnpkg) ;;
      *) [ -e "$REH/bin/$(basename "$f")" ] || ln -s "$f" "$REH/bin/$(basename "$f")" ;;
    esac
  done
done
env -i PATH="$REH/bin" HOME="$REH/home" TMPDIR="$REH/tmp" bash -c 'command -v node pnpm npx' >/dev/null &&
  fail "the rehearsal PATH still finds node or pnpm"

echo "rehearsal: running $TREE/scripts/gpu-first-light.sh $OUT --stand-in cpu from $REH/empty"
R0=$(date +%s)
(cd "$REH/empty" && env -i PATH="$REH/bin" HOME="$REH/home" TMPDIR="$REH/tmp" LANG=C.UTF-8 \
  UNET3D_NATIVE_CACHE="$REH/native-cache" FIRST_LIGHT_TUNE_MAX_S="${FIRST_LIGHT_TUNE_MAX_S:-150}" \
  ${FIRST_LIGHT_PYTHON:+FIRST_LIGHT_PYTHON="$FIRST_LIGHT_PYTHON"} \
  bash "$TREE/scripts/gpu-first-light.sh" "$OUT" --stand-in cpu)
RC=$?
RUN_S=$(($(date +%s) - R0))
[ -z "$(ls -A "$REH/empty")" ] || fail "the run wrote into its working folder: $(ls -A "$REH/empty" | head -3)"
cat "$OUT/summary.log"
echo "rehearsal: the run exited $RC in $RUN_S s; files: $(ls "$OUT" | tr '\n' ' ')"

# The checks.
S="$OUT/summary.log"
problems=()
[ "$RC" -eq 0 ] || problems+=("gpu-first-light.sh exited $RC")
bad=$(grep -E '^[0-9]{2} ' "$S" | grep -vE ': rc=0 in |skipped \(the CPU stand-in has no tf32\)' || true)
[ -z "$bad" ] || problems+=("steps not ok: $(echo "$bad" | tr '\n' ';')")
[ "$(grep -cE '^[0-9]{2} ' "$S")" -eq 8 ] || problems+=("expected 8 step lines")
trials=$(grep -E '^tuning .*scaled-fp32\.jsonl: ' "$S" | sed -E 's/.*: ([0-9]+) trials \(([0-9]+) ok.*/\1 \2/')
read -r n ok <<<"${trials:-0 0}"
[ "${ok:-0}" -gt 0 ] || problems+=("no tuning trial ok (${trials:-no tuning log})")
tuned=$(grep -E '^row scaled-tvm: ' "$S" | sed -nE 's/.*tunedTasks ([0-9]+).*/\1/p' | tail -1)
[ "${tuned:-0}" -gt 0 ] || problems+=("row 4 shows tunedTasks ${tuned:-none}")
[ "$(ls "$OUT" | wc -l)" -le 8 ] || problems+=("more than 8 files came back")

echo "rehearsal: the reports, made here afterwards (scripts/first-light/report.sh)"
"$REPO/scripts/first-light/report.sh" "$OUT" "$REH/reported" || problems+=("the reports failed")
find "$REH/reported/report" -name report.md 2>/dev/null | grep -q . || problems+=("no report.md written")

echo "rehearsal: tuning ${n:-0} trials (${ok:-0} ok); row 4 tunedTasks ${tuned:-none}; run ${RUN_S} s; in all $(($(date +%s) - T0)) s; carried $((CARRIED / 1000000)) MB"
if [ ${#problems[@]} -gt 0 ]; then
  printf 'rehearsal: FAIL: %s\n' "${problems[@]}"
  exit 1
fi
echo "rehearsal: PASS (kept in $REH)"
