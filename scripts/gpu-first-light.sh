#!/usr/bin/env bash
# First light on a GPU: everything one short GPU lease should bring back, in one run of at most 7 minutes.
#
#   scripts/gpu-first-light.sh OUT_DIR [--stand-in cpu]     run, writing at most 3 files into OUT_DIR
#   scripts/gpu-first-light.sh --plan [--stand-in cpu]      print the steps and their time boxes, run nothing
#
# It runs only what travels to the GPU machine: the Node binary .devnode/node.xz and the GPU bundle
# .devnode/unet3d-gpu.tar.xz (made here by `pnpm bundle --gpu --node-xz --out .devnode/unet3d-gpu`; another
# folder with FIRST_LIGHT_CARRY=DIR), unpacked under /tmp with Python's lzma/tarfile (xz as a fallback). No
# pnpm, no checkout build, no `node` from PATH ($UNET3D_NODE names one explicitly). Without a node it stops
# with one line. Everything it writes goes under /tmp and OUT_DIR.
#
# Steps in order of value, each time-boxed (`timeout`), so a failure is logged and the next step runs:
#   probe (versions, nvidia-smi, libraries) → verify --backend cudnn fp32 → device ops and one training
#   iteration against the CPU → bench rows 1-3 fp32 with the PyTorch peer → tune --target cuda --model scaled
#   for what the budget leaves minus row 4's box → row 4 (reads that tuning log) → rows 1-3 tf32 if time is
#   left. The boxes add up to at most FIRST_LIGHT_TOTAL_S (default 420 s).
#
# OUT_DIR ends with:
#   summary.log      one line per step (rc, seconds, its box, the last lines of its output), the facts
#                    (rows, ours ÷ PyTorch, trials measured, row 4's tunedTasks), then the wall time
#   env.txt          the probe's output
#   results.tar.gz   results/ (results files and results/tuning/<gpu>/*.jsonl, the run's tuning log),
#                    logs/ (every step's full log), gpu-memory.csv; refreshed after every step
# Reports are made afterwards on the developer's machine: scripts/first-light/report.sh OUT_DIR.
#
# --stand-in cpu: the same steps with the CPU standing in (tvm-cpu for cuDNN and tvm, a 16×32×32 patch, few
# iterations, the peer on the CPU, the tuner tuning the CPU target), the rehearsal of the day:
# scripts/first-light/rehearse.sh.
set -u

usage() {
  echo "usage: scripts/gpu-first-light.sh OUT_DIR [--stand-in cpu] | --plan [--stand-in cpu]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
PLAN=""
OUT=""
if [ "$1" = --plan ]; then PLAN=1; else OUT=$1; fi
shift
STAND_IN=""
while [ $# -gt 0 ]; do
  case "$1" in
    --stand-in)
      { [ $# -ge 2 ] && [ "$2" = cpu ]; } || usage
      STAND_IN=cpu
      shift 2
      ;;
    *) usage ;;
  esac
done

REPO=$(cd "$(dirname "$0")/.." && pwd)
CARRY=${FIRST_LIGHT_CARRY:-$REPO/.devnode}
TOTAL_S=${FIRST_LIGHT_TOTAL_S:-420} # 7 minutes: the device call is given 8, start-up and copy-back apart
PACK_S=10                           # kept at the end for the facts and the last tarball
START=$(date +%s)
CLOCK=0 # --plan: the clock of a run in which every step fills its box
STEP=0
MEM_PID=""
WORK=""
SUMMARY=/dev/null

elapsed() { if [ -n "$PLAN" ]; then echo "$CLOCK"; else echo $(($(date +%s) - START)); fi; }
left() { echo $((TOTAL_S - PACK_S - $(elapsed))); }
say() { echo "$*" | tee -a "$SUMMARY"; }
stop() { # one line (stderr and summary.log), then exit 2: nothing to run with
  say "gpu-first-light: $*" >&2
  trap - EXIT
  [ -n "$WORK" ] && rm -rf "$WORK"
  exit 2
}

# --- what this run measures ----------------------------------------------------------------------------------
# Scaled first: row 4 (tuned) is compared with it, and a time box that cuts the step short keeps the rows done.
ROWS=scaled-cudnn,strided-cudnn,baseline-cudnn
if [ "$STAND_IN" = cpu ]; then
  BACKEND=tvm-cpu # the GPU bundle has no onnxruntime: the generated C kernels stand in for cuDNN
  VERIFY_MODELS=strided
  ROW4_BACKENDS=tvm-cpu
  PATCH=16,64,64 # the smallest patch every row trains at (batch norm needs more than one value per channel)
  ITERS=(--iterations 2 --warmup 1 --profile-iterations 0 --timeout 200)
  TUNE_TARGET=(--target cpu) # on all cores, as the rows run: the best config on one thread need not be on all
  DEVICE_OPS=(--device cpu)
  ITER_REF=(--reference reference)
  TF32=""
  BOX_SCALE=${FIRST_LIGHT_BOX_SCALE:-3} # a loaded 2-core CPU is slower at these steps than an H100
else
  BACKEND=cudnn
  VERIFY_MODELS=all
  ROW4_BACKENDS=cudnn=cudnn,tvm=tvm
  PATCH=64,128,128
  ITERS=(--iterations 10 --warmup 3 --profile-iterations 1 --timeout 90)
  TUNE_TARGET=(--target cuda)
  DEVICE_OPS=(--device cuda)
  ITER_REF=()
  TF32=1
  BOX_SCALE=${FIRST_LIGHT_BOX_SCALE:-1}
fi
TOTAL_S=$((TOTAL_S * BOX_SCALE))
ROW4_BOX=$((80 * BOX_SCALE)) # NVRTC builds the kernels tuning did not reach (the rest hit its compile cache)
TUNE_GRACE=$((20 * BOX_SCALE)) # the batch in flight when tune's --time-limit passes, and its summary
TUNE_MAX=${FIRST_LIGHT_TUNE_MAX_S:-0} # 0: no cap beyond the budget

# step NAME BOX CMD...: run CMD time-boxed (never past the budget), log rc and the tail.
step() {
  local name=$1 box=$(($2 * BOX_SCALE))
  shift 2
  STEP=$((STEP + 1))
  local n left
  n=$(printf %02d "$STEP")
  left=$(left)
  if [ "$left" -lt $((5 * BOX_SCALE)) ]; then
    say "$n $name: skipped (out of time at $(elapsed) s)"
    return 0
  fi
  [ "$box" -gt "$left" ] && box=$left
  if [ -n "$PLAN" ]; then
    say "$n $name: box ${box} s, from ${CLOCK} s"
    CLOCK=$((CLOCK + box))
    return 0
  fi
  local log="$WORK/logs/$n-$name.log"
  echo "\$ $*" >"$log"
  local t0 rc took note=""
  t0=$(date +%s)
  timeout -k 5 "$box" "$@" >>"$log" 2>&1
  rc=$?
  took=$(($(date +%s) - t0))
  { [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; } && note=" (time box hit)"
  say "$n $name: rc=$rc in ${took} s of ${box} s$note"
  grep -v '^\$ ' "$log" | grep -v '^[[:space:]]*$' | tail -n 3 | cut -c1-240 | sed 's/^/    /' | tee -a "$SUMMARY" >/dev/null
  pack
  return 0
}

pack() {
  [ -n "$WORK" ] || return 0
  tar -czf "$OUT/.results.tar.gz.tmp" -C "$WORK" results logs $(cd "$WORK" && ls gpu-memory.csv 2>/dev/null) 2>/dev/null &&
    mv -f "$OUT/.results.tar.gz.tmp" "$OUT/results.tar.gz"
}

# --- unpack what travelled -----------------------------------------------------------------------------------
unpack() {
  PY_UNPACK=""
  for p in python3 /usr/bin/python3 /opt/torch/.venv/bin/python3; do
    if "$p" -c 'import lzma, tarfile' >/dev/null 2>&1; then
      PY_UNPACK=$p
      break
    fi
  done
  local bundle=$CARRY/unet3d-gpu.tar.xz
  [ -f "$bundle" ] || stop "no GPU bundle: $bundle is missing (build it with \`pnpm bundle --gpu --node-xz --out .devnode/unet3d-gpu\` and carry .devnode/unet3d-gpu.tar.xz)"
  if [ -n "${UNET3D_NODE:-}" ]; then
    NODE=$UNET3D_NODE
  elif [ -f "$CARRY/node.xz" ]; then
    NODE=$WORK/node
    if [ -n "$PY_UNPACK" ]; then
      "$PY_UNPACK" -c 'import lzma, shutil, sys
with lzma.open(sys.argv[1]) as src, open(sys.argv[2], "wb") as dst: shutil.copyfileobj(src, dst, 1 << 20)' \
        "$CARRY/node.xz" "$NODE" 2>/dev/null || rm -f "$NODE"
    fi
    [ -s "$NODE" ] || xz -dc "$CARRY/node.xz" >"$NODE" 2>/dev/null || rm -f "$NODE"
    [ -s "$NODE" ] && chmod +x "$NODE"
  else
    stop "no node: $CARRY/node.xz is missing and UNET3D_NODE is not set (build it with \`pnpm bundle --gpu --node-xz --out .devnode/unet3d-gpu\` and carry .devnode/node.xz)"
  fi
  "$NODE" --version >/dev/null 2>&1 || stop "no node: $NODE does not run (unpacked from $CARRY/node.xz with ${PY_UNPACK:-xz}; neither Python's lzma nor xz worked?)"
  if [ -n "$PY_UNPACK" ]; then
    "$PY_UNPACK" -c 'import sys, tarfile
t = tarfile.open(sys.argv[1], "r:xz")
t.extractall(sys.argv[2], **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))' "$bundle" "$WORK" 2>/dev/null
  fi
  [ -f "$WORK/unet3d-gpu/unet3d.mjs" ] || tar -xJf "$bundle" -C "$WORK" 2>/dev/null
  [ -f "$WORK/unet3d-gpu/unet3d.mjs" ] || stop "cannot unpack $bundle (neither Python's tarfile nor tar -xJf)"
  CLI=("$NODE" "$WORK/unet3d-gpu/unet3d.mjs")
}

if [ -z "$PLAN" ]; then
  mkdir -p "$OUT" || exit 2
  OUT=$(cd "$OUT" && pwd)
  SUMMARY="$OUT/summary.log"
  : >"$SUMMARY"
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/unet3d-first-light.XXXXXX") || stop "cannot make a folder under ${TMPDIR:-/tmp}"
  mkdir -p "$WORK/logs" "$WORK/results"
  finish() {
    [ -n "$MEM_PID" ] && kill "$MEM_PID" 2>/dev/null
    if [ -n "${CLI+x}" ]; then
      timeout 20 "$NODE" "$REPO/scripts/first-light/facts.mjs" "$WORK" 2>&1 | tee -a "$SUMMARY" >/dev/null
    fi
    pack
    say "done in $(elapsed) s; files: $(cd "$OUT" && ls | tr '\n' ' ')"
    rm -rf "$WORK"
  }
  trap finish EXIT
  trap 'say "interrupted after $(elapsed) s"; exit 130' INT TERM
  unpack
  PY=""
  for cand in ${FIRST_LIGHT_PYTHON:-} /opt/torch/.venv/bin/python3 python3 /usr/bin/python3; do
    if timeout 60 "$cand" -c 'import torch' >/dev/null 2>&1; then
      PY=$cand
      break
    fi
  done
  PEER=()
  [ -n "$PY" ] && PEER=(--peer --python "$PY")
  NVSMI=$(command -v nvidia-smi || ls /usr/local/nvidia/bin/nvidia-smi /usr/bin/nvidia-smi 2>/dev/null | head -1)
  say "gpu-first-light: $(date -u +%FT%TZ), stand-in: ${STAND_IN:-none}, node $("$NODE" --version) from ${UNET3D_NODE:-$CARRY/node.xz}, bundle $CARRY/unet3d-gpu.tar.xz, python with torch: ${PY:-none (no peer)}, patch $PATCH, budget ${TOTAL_S} s, unpacked in $(elapsed) s"
  if [ -n "$NVSMI" ]; then
    "$NVSMI" --query-gpu=timestamp,memory.used,utilization.gpu,clocks.sm,power.draw --format=csv -lms 500 \
      >"$WORK/gpu-memory.csv" 2>/dev/null &
    MEM_PID=$!
  fi
  cd "$WORK" || exit 2 # relative paths the CLI writes (none expected) land under /tmp, never in the checkout
else
  CLI=(unet3d)
  PEER=(--peer)
  say "gpu-first-light --plan: stand-in ${STAND_IN:-none}, budget ${TOTAL_S} s (${PACK_S} s kept for the facts and the tarball), every step filling its box"
fi
R="$WORK/results"

# The probe: versions first (each with its own short limit, so one slow call cannot hide the rest), then the
# libraries, the place the driver and toolkit live (/usr/local/nvidia and /usr/local/cuda* included).
probe() {
  echo "## date"; date -u
  echo "## nvidia-smi (${NVSMI:-not found})"
  if [ -n "$NVSMI" ]; then
    timeout 10 "$NVSMI" --query-gpu=name,driver_version,memory.total,clocks.max.sm,compute_cap,persistence_mode --format=csv 2>&1
    timeout 5 "$NVSMI" 2>&1 | head -20
  fi
  echo "## node and the bundle"; "$NODE" --version
  grep -E '"(gitCommit|gitDirty|builtAt|variant)"' "$(dirname "${CLI[1]}")/BUILD-INFO.json" 2>&1
  echo "## env"; env | grep -E '^(CUDA|LD_LIBRARY|VIRTUAL_ENV|PATH=|NVIDIA|UNET3D)' 2>/dev/null
  echo "## host"; uname -a; nproc; free -g 2>/dev/null | head -2; command -v cc gcc clang xz 2>&1
  echo "## python + torch (${PY:-none})"
  [ -n "$PY" ] && timeout 15 "$PY" -c 'import sys, torch; print(sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda,
 "cudnn", torch.backends.cudnn.version(), "gpu", torch.cuda.get_device_name(0) if torch.cuda.is_available() else None)' 2>&1 | tail -3
  echo "## unet3d doctor"; timeout 15 "${CLI[@]}" doctor --results "$R" 2>&1 | head -20
  echo "## libraries and headers (file)"
  timeout 10 find /usr/lib /usr/lib64 /usr/local/nvidia /usr/local/cuda /usr/local/cuda-* /opt/*/.venv/lib/python3*/site-packages/nvidia \
    \( -name 'libcuda.so*' -o -name 'libnvrtc.so*' -o -name 'libnvrtc-builtins.so*' -o -name 'libcudnn.so*' -o -name 'mma.h' \) \
    -not -path '*/stubs/*' 2>/dev/null | sort | head -40
}
if [ -z "$PLAN" ]; then
  { declare -p NODE PY NVSMI R CLI; declare -f probe; echo probe; } >"$WORK/logs/probe.sh"
fi
step probe 35 bash "$WORK/logs/probe.sh"
[ -z "$PLAN" ] && cp "$WORK/logs/01-probe.log" "$OUT/env.txt" 2>/dev/null

step "verify-$BACKEND-fp32" 40 "${CLI[@]}" verify --backend "$BACKEND" --model "$VERIFY_MODELS" --math fp32
# Exit 3 from --device-ops: no CUDA device could be opened (distinct from wrong numbers, exit 1).
step device-ops 25 "${CLI[@]}" verify --device-ops "${DEVICE_OPS[@]}"
step iteration 30 "${CLI[@]}" verify --iteration --backend "$BACKEND" "${ITER_REF[@]}"
step bench-rows1-3-fp32 140 "${CLI[@]}" bench --backends "$BACKEND" --rows "$ROWS" --input "$PATCH" --math fp32 \
  "${ITERS[@]}" "${PEER[@]}" --tune-budget 0 --results "$R" --no-report

# Tuning gets what the budget leaves, minus row 4's box; its time limit ends early enough for the trial in
# flight (the log is appended record by record, so even the box cutting it off loses at most that trial).
tune_box=$(($(left) - ROW4_BOX))
[ "$TUNE_MAX" -gt 0 ] && [ "$tune_box" -gt "$TUNE_MAX" ] && tune_box=$TUNE_MAX
if [ "$tune_box" -ge $((30 * BOX_SCALE)) ]; then
  step tune-scaled $((tune_box / BOX_SCALE)) "${CLI[@]}" tune "${TUNE_TARGET[@]}" --model scaled --input "$PATCH" \
    --time-limit "$((tune_box - TUNE_GRACE))s" --results "$R"
else
  STEP=$((STEP + 1))
  say "$(printf %02d "$STEP") tune-scaled: skipped (${tune_box} s left before row 4's box)"
fi
step bench-row4 $((ROW4_BOX / BOX_SCALE)) "${CLI[@]}" bench --backends "$ROW4_BACKENDS" --rows scaled-tvm --input "$PATCH" \
  --math fp32 "${ITERS[@]}" --tune-budget 0 --results "$R" --no-report
if [ -n "$TF32" ]; then
  step bench-rows1-3-tf32 140 "${CLI[@]}" bench --backends "$BACKEND" --rows "$ROWS" --input "$PATCH" --math tf32 \
    "${ITERS[@]}" "${PEER[@]}" --tune-budget 0 --results "$R" --no-report
else
  STEP=$((STEP + 1))
  say "$(printf %02d "$STEP") bench-rows1-3-tf32: skipped (the CPU stand-in has no tf32)"
fi
[ -n "$PLAN" ] && say "plan: ${CLOCK} s of boxes (budget ${TOTAL_S} s, ${PACK_S} s kept)"
exit 0
