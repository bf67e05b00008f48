#!/usr/bin/env bash
# First light on a GPU (issue 14): everything one short GPU lease should bring back, in one run.
#
#   scripts/gpu-first-light.sh OUT_DIR [--stand-in cpu]
#
# Runs at most 9 minutes. Each step is time-boxed with `timeout`, so one failure (or a CLI flag that does not
# exist yet) never stops the rest: the failure is logged and the next step runs. Writes as it goes; OUT_DIR
# ends with at most 8 files:
#   summary.log       one line per step (rc, seconds, last lines of its output), then the wall time
#   env.txt           environment probe: GPU, driver, libraries found, versions
#   results.tar.gz    results files, tuning logs, the generated report, the PyTorch peer's rows, every
#                     step's full log and a GPU memory trace (refreshed after every step)
#
# The CLI: on the GPU, the GPU bundle .devnode/unet3d-gpu/ (unpacked from .devnode/unet3d-gpu.tar.xz, made by
# `pnpm bundle --gpu --node-xz --out .devnode/unet3d-gpu`) when present; else the offline bundle
# dist-bundle/unet3d/unet3d when present; otherwise `pnpm unet3d` from this checkout. Bundles run with
# $UNET3D_NODE, else ./.devnode/node (decompressed from ./.devnode/node.xz if needed), else `node` on PATH.
# The peer's Python: the first of /opt/torch/.venv/bin/python3, python3, /usr/bin/python3 that imports torch;
# when the CLI's bench has --peer, the peer is timed inside bench (alternating with each row, and the report
# shows ours ÷ PyTorch), else as a separate step.
#
# --stand-in cpu: the same steps with the CPU standing in (onnxruntime instead of cuDNN, a small patch,
# few iterations, the peer on the CPU), so that only the GPU itself is new on the day.
set -u

usage() {
  echo "usage: scripts/gpu-first-light.sh OUT_DIR [--stand-in cpu]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
OUT=$1
shift
STAND_IN=""
while [ $# -gt 0 ]; do
  case "$1" in
    --stand-in)
      [ $# -ge 2 ] && [ "$2" = cpu ] || usage
      STAND_IN=cpu
      shift 2
      ;;
    *) usage ;;
  esac
done

REPO=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$OUT" || exit 2
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/unet3d-first-light.XXXXXX") || exit 2
mkdir -p "$WORK/logs" "$WORK/results" "$WORK/peer"
touch "$WORK/logs/.start"
SUMMARY="$OUT/summary.log"
: >"$SUMMARY"
START=$(date +%s)
TOTAL_S=${FIRST_LIGHT_TOTAL_S:-540}     # 9 minutes
BOX_SCALE=${FIRST_LIGHT_BOX_SCALE:-1}   # multiplies every step's time box (a slow CPU stand-in)
RESERVE_S=25                          # kept for the report and the tarball
STEP=0
MEM_PID=""
LAST_RC=0
LAST_LOG=/dev/null
LAST_TOOK=0

say() { echo "$*" | tee -a "$SUMMARY"; }
elapsed() { echo $(($(date +%s) - START)); }

pack() {
  tar -czf "$OUT/.results.tar.gz.tmp" -C "$WORK" . 2>/dev/null && mv -f "$OUT/.results.tar.gz.tmp" "$OUT/results.tar.gz"
}

finish() {
  [ -n "$MEM_PID" ] && kill "$MEM_PID" 2>/dev/null
  # Tuning logs the CLI wrote into the checkout's results/ (its default place) during this run.
  if [ -d "$REPO/results/tuning" ]; then
    (cd "$REPO" && find results/tuning -type f -newer "$WORK/logs/.start" -print0 2>/dev/null |
      xargs -0 -r cp --parents -t "$WORK" 2>/dev/null)
  fi
  pack
  say "done in $(elapsed) s; files: $(cd "$OUT" && ls | tr '\n' ' ')"
  rm -rf "$WORK"
}
trap finish EXIT
trap 'say "interrupted after $(elapsed) s"; exit 130' INT TERM

# step NAME SECONDS CMD...: run CMD time-boxed (never past the overall budget), log rc and the tail.
step() {
  local name=$1 box=$(($2 * BOX_SCALE))
  shift 2
  STEP=$((STEP + 1))
  local left=$((TOTAL_S - RESERVE_S - $(elapsed)))
  case "$name" in report*) left=$((TOTAL_S - $(elapsed))) ;; esac
  local log
  log="$WORK/logs/$(printf %02d "$STEP")-$name.log"
  if [ "$left" -lt 5 ]; then
    say "$(printf %02d "$STEP") $name: skipped (out of time at $(elapsed) s)"
    return 0
  fi
  [ "$box" -gt "$left" ] && box=$left
  echo "\$ $*" >"$log"
  local t0 rc
  t0=$(date +%s)
  timeout -k 5 "$box" "$@" >>"$log" 2>&1
  rc=$?
  local took=$(($(date +%s) - t0)) note=""
  [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && note=" (time box ${box} s hit)"
  LAST_RC=$rc
  LAST_LOG=$log
  LAST_TOOK=$took
  [ "$rc" -ne 0 ] && grep -qiE "unknown option|unknown command|too many arguments|required option" "$log" &&
    note="$note (flag or command not in this CLI yet)"
  say "$(printf %02d "$STEP") $name: rc=$rc in ${took} s$note"
  grep -v '^\$ ' "$log" | grep -v '^[[:space:]]*$' | tail -n 3 | cut -c1-240 | sed 's/^/    /' | tee -a "$SUMMARY" >/dev/null
  pack
  return 0
}

# --- the CLI and the Python --------------------------------------------------------------------------------
NODE=""
if [ -n "${UNET3D_NODE:-}" ]; then
  NODE=$UNET3D_NODE
elif [ -x "$REPO/.devnode/node" ]; then
  NODE="$REPO/.devnode/node"
elif [ -f "$REPO/.devnode/node.xz" ] && xz -dk "$REPO/.devnode/node.xz" 2>/dev/null && chmod +x "$REPO/.devnode/node"; then
  NODE="$REPO/.devnode/node"
elif command -v node >/dev/null 2>&1; then
  NODE=$(command -v node)
fi
[ -n "$NODE" ] && export UNET3D_NODE="$NODE"
GPU_BUNDLE="$REPO/.devnode/unet3d-gpu"
if [ "$STAND_IN" != cpu ] && [ ! -f "$GPU_BUNDLE/unet3d.mjs" ] && [ -f "$GPU_BUNDLE.tar.xz" ]; then
  tar -xJf "$GPU_BUNDLE.tar.xz" -C "$REPO/.devnode" 2>/dev/null
fi
if [ "$STAND_IN" != cpu ] && [ -f "$GPU_BUNDLE/unet3d.mjs" ] && [ -n "$NODE" ]; then
  CLI=("$NODE" "$GPU_BUNDLE/unet3d.mjs")
  CLI_WHAT="GPU bundle .devnode/unet3d-gpu with $NODE"
elif [ -x "$REPO/dist-bundle/unet3d/unet3d" ]; then
  CLI=("$REPO/dist-bundle/unet3d/unet3d")
  CLI_WHAT="bundle dist-bundle/unet3d with ${NODE:-no node}"
else
  CLI=(pnpm --silent --dir "$REPO" exec unet3d)
  CLI_WHAT="pnpm unet3d from the checkout $REPO"
fi
PY=python3
TORCH_OK=""
for cand in /opt/torch/.venv/bin/python3 python3 /usr/bin/python3; do
  if "$cand" -c 'import torch' >/dev/null 2>&1; then
    PY=$cand
    TORCH_OK=1
    break
  fi
done
PEER="$REPO/scripts/pytorch-peer/train_step.py"
export UNET3D_PEER_SCRIPT="$PEER"
# bench --peer (the peer alternating with our rows, in the same results file) when this CLI has it.
BENCH_PEER=()
if [ -n "$TORCH_OK" ] && timeout 60 "${CLI[@]}" bench --help 2>/dev/null | grep -q -- '--peer'; then
  BENCH_PEER=(--peer --python "$PY")
fi

# --- what this run measures ----------------------------------------------------------------------------------
ROWS="baseline-cudnn,strided-cudnn,scaled-cudnn"
if [ "$STAND_IN" = cpu ]; then
  BACKEND=onnxruntime
  BACKENDS=onnxruntime
  ROW4_BACKENDS=onnxruntime
  PATCH=16,64,64
  BENCH_ITERS=(--iterations 2 --warmup 1 --profile-iterations 0 --timeout 120)
  PEER_DEV=(--device cpu --threads "$(nproc)" --warmup 1 --iters 2)
  TUNE_TARGET=(--target cpu)
  DEVICE_OPS=(--device cpu) # the float32 CPU device against the float64 one
  ITER_REF=(--reference reference) # onnxruntime against the float64 reference conv, not against itself
  MATHS=(fp32 tf32)
else
  BACKEND=cudnn
  BACKENDS=cudnn
  ROW4_BACKENDS=cudnn=cudnn,tvm=tvm
  PATCH=64,128,128
  BENCH_ITERS=(--iterations 20 --warmup 5 --profile-iterations 3 --timeout 60)
  PEER_DEV=(--device cuda --warmup 5 --iters 20)
  TUNE_TARGET=(--target cuda)
  DEVICE_OPS=(--device cuda)
  ITER_REF=() # auto: onnxruntime on the CPU, else (GPU bundle) the float64 reference conv
  MATHS=(fp32 tf32)
fi

say "gpu-first-light: $(date -u +%FT%TZ), stand-in: ${STAND_IN:-none}, CLI: $CLI_WHAT, python: $PY (torch: ${TORCH_OK:-no}; peer in bench: ${BENCH_PEER[*]:-no}), patch $PATCH, budget ${TOTAL_S} s"

# GPU memory trace for the whole run (flat over timed iterations is what issue 14 asks to see).
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=timestamp,memory.used,utilization.gpu,clocks.sm,power.draw --format=csv -lms 500 \
    >"$WORK/gpu-memory.csv" 2>/dev/null &
  MEM_PID=$!
fi

probe() {
  echo "## date"; date -u
  echo "## host"; uname -a; nproc; free -g 2>/dev/null | head -2
  echo "## nvidia-smi"; nvidia-smi 2>&1 | head -20
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,compute_cap --format=csv 2>&1
  echo "## nvcc"; (command -v nvcc && nvcc --version) 2>&1 | tail -2
  echo "## libraries (file: where)"
  for pat in 'libcuda.so*' 'libnvrtc.so*' 'libnvrtc-builtins.so*' 'libcudnn.so*' 'mma.h'; do
    find /usr/lib /usr/lib64 /usr/local/cuda* /opt -name "$pat" -not -path '*/stubs/*' 2>/dev/null | head -6
  done
  echo "## env"; env | grep -E '^(CUDA|LD_LIBRARY|VIRTUAL_ENV|PATH=|UNET3D)' 2>/dev/null
  echo "## node"; "${NODE:-node}" --version 2>&1
  echo "## cli"; "${CLI[@]}" --version 2>&1 | head -2
  echo "## python + torch"
  "$PY" -c 'import sys, torch; print(sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda,
 "cudnn", torch.backends.cudnn.version(), "gpu", torch.cuda.get_device_name(0) if torch.cuda.is_available() else None)' 2>&1
}
{
  declare -p NODE PY WORK CLI
  declare -f probe
  echo probe
} >"$WORK/logs/probe.sh"
step probe 15 bash "$WORK/logs/probe.sh"
cp "$WORK/logs/01-probe.log" "$OUT/env.txt" 2>/dev/null

for m in "${MATHS[@]}"; do
  step "verify-$BACKEND-$m" 30 "${CLI[@]}" verify --backend "$BACKEND" --model all --math "$m"
done
# Exit 3 from --device-ops: no CUDA device could be opened (distinct from wrong numbers, exit 1).
step device-ops 15 "${CLI[@]}" verify --device-ops "${DEVICE_OPS[@]}"
# The reference side is the CPU with onnxruntime, or the float64 reference conv (the GPU bundle has no onnxruntime).
step iteration 25 "${CLI[@]}" verify --iteration --backend "$BACKEND" "${ITER_REF[@]}"

for m in "${MATHS[@]}"; do
  box=70
  [ "$m" = tf32 ] && box=50
  peer=("${BENCH_PEER[@]}")
  [ "$STAND_IN" = cpu ] && [ "$m" != fp32 ] && peer=() # the CPU peer runs fp32 only
  [ ${#peer[@]} -gt 0 ] && box=$((box + 35)) # PyTorch start-up and its timed iterations, three times
  step "bench-rows1-3-$m" $box "${CLI[@]}" bench --backends "$BACKENDS" --rows "$ROWS" --input "$PATCH" --math "$m" \
    "${BENCH_ITERS[@]}" "${peer[@]}" --results "$WORK/results" --no-report
done

if [ ${#BENCH_PEER[@]} -eq 0 ]; then # a CLI without bench --peer: the peer as a step of its own
  PEER_MATHS=$(IFS=,; echo "${MATHS[*]}")
  [ "$STAND_IN" = cpu ] && PEER_MATHS=fp32 # the CPU has no tf32
  step pytorch-peer 70 "$PY" "$PEER" "${PEER_DEV[@]}" --model all --math "$PEER_MATHS" --patch "$PATCH" \
    --out "$WORK/peer/pytorch-peer.json"
fi

step tune-scaled 185 "${CLI[@]}" tune "${TUNE_TARGET[@]}" --model scaled --input "$PATCH" --time-limit 3m \
  --results "$WORK/results"
# A CLI without --time-limit (or --target): tune by trial budget instead, in what is left of the 3 minutes
# (the tuning log is appended record by record, so the time box loses at most the trial in flight).
if [ "$LAST_RC" -ne 0 ] && grep -qiE "unknown option" "$LAST_LOG"; then
  step tune-scaled-budget $(((185 * BOX_SCALE - LAST_TOOK) / BOX_SCALE)) "${CLI[@]}" tune --model scaled --input "$PATCH" --budget 16 \
    --results "$WORK/results"
fi
step bench-row4 30 "${CLI[@]}" bench --backends "$ROW4_BACKENDS" --rows scaled-tvm --input "$PATCH" --math fp32 \
  "${BENCH_ITERS[@]}" --results "$WORK/results" --no-report
# One report per results file of this run (rows 1-3 fp32, rows 1-3 tf32, row 4): the report command writes
# <out>/<device>/report.md per file, so each gets its own folder, named after the file.
report_each() {
  local f rc=0
  for f in $(find "$WORK/results" -name '*.json' -not -path '*/tuning/*' | sort); do
    "${CLI[@]}" report --out "$WORK/report/$(basename "$f" .json)" "$f" || rc=$?
  done
  return $rc
}
{
  declare -p WORK CLI
  declare -f report_each
  echo report_each
} >"$WORK/logs/report.sh"
step report 25 bash "$WORK/logs/report.sh"
exit 0
