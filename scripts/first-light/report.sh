#!/usr/bin/env bash
# Reports of a first-light run, made on the developer's machine (they need no GPU):
#
#   scripts/first-light/report.sh RUN_OUT [DEST]
#
# RUN_OUT is the folder scripts/gpu-first-light.sh wrote (summary.log, env.txt, results.tar.gz). Unpacks
# results.tar.gz into DEST (default RUN_OUT/unpacked), then runs `unet3d report` from this checkout once per
# results file, with --results pointing at the run's own results root, so the report finds the run's own
# tuning log (results/tuning/<device identity>/) beside its results. Writes DEST/report/<results file>/.
set -u
[ $# -ge 1 ] && [ $# -le 2 ] || {
  echo "usage: scripts/first-light/report.sh RUN_OUT [DEST]" >&2
  exit 2
}
RUN_OUT=$(cd "$1" 2>/dev/null && pwd) || {
  echo "first-light report: no such folder $1" >&2
  exit 2
}
[ -f "$RUN_OUT/results.tar.gz" ] || {
  echo "first-light report: $RUN_OUT/results.tar.gz is missing (the folder gpu-first-light.sh wrote?)" >&2
  exit 2
}
DEST=${2:-$RUN_OUT/unpacked}
mkdir -p "$DEST" && DEST=$(cd "$DEST" && pwd)
REPO=$(cd "$(dirname "$0")/../.." && pwd)
tar -xzf "$RUN_OUT/results.tar.gz" -C "$DEST" || exit 1
rc=0
n=0
while IFS= read -r f; do
  n=$((n + 1))
  out="$DEST/report/$(basename "$f" .json)"
  (cd "$REPO" && pnpm --silent unet3d report --results "$DEST/results" --out "$out" "$f") || rc=1
done < <(find "$DEST/results" -name '*.json' -not -path '*/tuning/*' | sort)
[ "$n" -gt 0 ] || {
  echo "first-light report: no results files in $RUN_OUT/results.tar.gz" >&2
  exit 1
}
echo "first-light report: $n results file(s) → $DEST/report/ (rc $rc)"
exit $rc
