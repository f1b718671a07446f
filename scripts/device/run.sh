#!/usr/bin/env bash
# The device run of issue 14: everything `npm run device:pack` put in this folder, run on a machine
# with a GPU (the NVIDIA H100/H200 the `device` tool lends) or, for a rehearsal, on a software adapter.
#
#   OUT=/some/dir bash run.sh [--adapter hardware|llvmpipe|swiftshader] [--smoke] [--runs N]
#                             [--filter RE] [--no-torch] [--no-bench]
#
# It: picks a Node (the machine's if >= 20.19, else the one packed as node/node.xz); unpacks Dawn's
# binary and the Vulkan loader packages (debs/, `dpkg -x` into a private prefix, LD_LIBRARY_PATH);
# finds the NVIDIA Vulkan ICD (VK_DRIVER_FILES fallback); prints `webgpu-conv info` for the adapter;
# times cuDNN fp32 and torch.fft convolution on the bench's cases (torch_bench.py, if python3 has
# torch); runs the benchmark suite (bench/run.mjs --quick --runs 3 on shapes a–h and the kernel-size
# and conv1d sweeps); and prints a short comparison table last. Every result file goes to $OUT
# (default: ./out beside this script): at most 6 files, named as they are to be committed.
#
# Environment (all optional): OUT; RUN_FILTER (= --filter); RUNS (= --runs); BENCH_TIMEOUT (s, 360);
# TORCH_TIMEOUT (s, 120); WGC_LOADER=auto|bundled|system (which Vulkan/GL loader libraries: auto =
# the packed ones when the machine has no libvulkan.so.1); TORCH_DEVICE=cuda|cpu (torch_bench.py's
# device; default cuda, and torch is skipped without CUDA unless TORCH_DEVICE=cpu).
# Exit status: the benchmark's (0: every result of ours correct), 3 when no adapter could be opened,
# 124 when the benchmark ran past BENCH_TIMEOUT. A missing torch never fails the run.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYTHON=$(command -v python3 || echo python3)   # the one on PATH when called (on the device: torch's)
ADAPTER=hardware
SMOKE=0
RUNS=${RUNS:-3}
FILTER=${RUN_FILTER:-}
DO_TORCH=1
DO_BENCH=1
while [ $# -gt 0 ]; do
  case "$1" in
    --adapter) ADAPTER=${2:?--adapter needs a value}; shift 2 ;;
    --adapter=*) ADAPTER=${1#*=}; shift ;;
    --smoke) SMOKE=1; shift ;;
    --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
    --filter) FILTER=${2:?--filter needs a value}; shift 2 ;;
    --no-torch) DO_TORCH=0; shift ;;
    --no-bench) DO_BENCH=0; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$ADAPTER" in hardware|llvmpipe|swiftshader) ;; *) echo "run.sh: --adapter must be hardware, llvmpipe or swiftshader" >&2; exit 2 ;; esac
if [ "$SMOKE" = 1 ]; then
  # Rehearsal: one case of each group, one run of the suite.
  RUNS=1
  FILTER=${FILTER:-'^(a|d|h|k3|1d-k9)$'}
fi
FILTER=${FILTER:-'^[a-h]$|kernel-size|conv1d'}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-360}
TORCH_TIMEOUT=${TORCH_TIMEOUT:-120}

# The pack must be writable (Dawn's binary is unpacked in place); if not, work on a copy.
if [ ! -w "$HERE" ]; then
  cp -r "$HERE" /tmp/webgpu-conv-pack && exec bash /tmp/webgpu-conv-pack/run.sh "$@"
fi
cd "$HERE"
OUT=${OUT:-$HERE/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=${TMPDIR:-/tmp}/webgpu-conv-device
mkdir -p "$WORK"
exec > >(tee -a "$OUT/run-log.txt") 2>&1
T0=$(date +%s)
say() { printf '\n== [%3ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }

say "webgpu-conv device run: adapter $ADAPTER, runs $RUNS, filter '$FILTER'$([ "$SMOKE" = 1 ] && echo ', smoke')"
echo "pack: $(head -2 PACK-INFO.txt 2>/dev/null | tr '\n' ' ')"
echo "host: $(uname -srm); user $(id -un 2>/dev/null || id -u); $(nproc) cores; OUT=$OUT"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem,temperature.gpu,utilization.gpu --format=csv 2>&1 | head -5
else
  echo "nvidia-smi: not found"
fi

# ---- Node -------------------------------------------------------------------------------------
unxz_to() { # unxz_to FILE.xz DEST: xz, else Python's lzma
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" > "$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  fi
}
node_ok() { # node_ok BINARY: version >= 20.19
  local v
  v=$("$1" --version 2>/dev/null) || return 1
  v=${v#v}
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  [ "$major" -gt 20 ] 2>/dev/null || { [ "$major" -eq 20 ] && [ "$minor" -ge 19 ]; } 2>/dev/null
}
NODE=""
if command -v node >/dev/null 2>&1 && node_ok "$(command -v node)"; then
  NODE=$(command -v node)
  echo "node: the machine's $NODE $($NODE --version)"
else
  echo "node: $(command -v node >/dev/null 2>&1 && echo "the machine's is $(node --version 2>&1), too old" || echo 'none on the machine'); unpacking node/node.xz"
  if [ ! -x "$WORK/node" ] || ! node_ok "$WORK/node"; then
    unxz_to node/node.xz "$WORK/node.tmp" && chmod +x "$WORK/node.tmp" && mv "$WORK/node.tmp" "$WORK/node"
  fi
  NODE=$WORK/node
  node_ok "$NODE" || { echo "run.sh: the packed Node does not run here"; exit 3; }
  echo "node: packed $NODE $($NODE --version)"
fi
# (Only the packed Node's folder goes first on PATH: the machine's node may sit beside a python3 that
# is not the one with torch.)
[ "$NODE" = "$WORK/node" ] && export PATH="$WORK:$PATH"

# ---- Dawn (the webgpu package's linux-x64 binary, packed compressed) --------------------------
DAWN=node_modules/webgpu/dist/linux-x64/dawn.node
if [ ! -s "$DAWN" ]; then
  unxz_to "$DAWN.xz" "$DAWN.tmp" && mv "$DAWN.tmp" "$DAWN" || { echo "run.sh: could not unpack $DAWN.xz"; exit 3; }
fi

# ---- Vulkan / GL loaders ----------------------------------------------------------------------
PREFIX=$WORK/root
LIBDIR=$PREFIX/usr/lib/x86_64-linux-gnu
deb_x() { # deb_x FILE.deb DIR: dpkg -x, else Python (a .deb is an ar archive holding data.tar.*)
  if command -v dpkg >/dev/null 2>&1; then dpkg -x "$1" "$2"; return; fi
  "$PYTHON" - "$1" "$2" <<'PY'
import io, sys, tarfile
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"!<arch>\n", "not an ar archive"
i = 8
while i < len(data):
    name, size = data[i:i + 16].decode().strip().rstrip("/"), int(data[i + 48:i + 58])
    if name.startswith("data.tar"):
        kw = {"filter": "fully_trusted"} if hasattr(tarfile, "fully_trusted_filter") else {}
        tarfile.open(fileobj=io.BytesIO(data[i + 60:i + 60 + size])).extractall(sys.argv[2], **kw)
        break
    i += 60 + size + (size & 1)
PY
}
have_system_vulkan() { ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; }
LOADER=${WGC_LOADER:-auto}
if [ "$LOADER" = auto ]; then
  if have_system_vulkan; then LOADER=system; else LOADER=bundled; fi
fi
if [ "$LOADER" = bundled ]; then
  if [ ! -e "$LIBDIR/libvulkan.so.1" ]; then
    for f in debs/*.deb; do deb_x "$f" "$PREFIX" || echo "run.sh: unpacking $f failed"; done
  fi
  export LD_LIBRARY_PATH="$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "loader: the packed Vulkan/GL loaders ($(ls debs | sed 's/_.*//' | tr '\n' ' ')) in $LIBDIR"
else
  echo "loader: the machine's ($(ldconfig -p 2>/dev/null | grep -m1 'libvulkan.so.1' | sed 's/.*=> //'))"
fi
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  case ":${LD_LIBRARY_PATH:-}:" in *":$d:"*) ;; *) [ -d "$d" ] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$d" ;; esac
done
echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"

# ---- The NVIDIA Vulkan driver (hardware only) -------------------------------------------------
if [ "$ADAPTER" = hardware ] && [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  std=$(grep -ls nvidia /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json 2>/dev/null | head -1)
  if [ -n "$std" ]; then
    echo "vulkan ICD: $std (found by the loader itself)"
  else
    icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    [ -f "$icd" ] || icd=$(find /usr/local/nvidia /usr/share /etc /usr/lib -maxdepth 6 -name 'nvidia_icd*.json' 2>/dev/null | head -1)
    if [ -n "$icd" ] && [ -f "$icd" ]; then
      export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
      echo "vulkan ICD: VK_DRIVER_FILES=$icd"
      egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
      [ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$egl
    else
      echo "vulkan ICD: no nvidia_icd.json found (the hardware adapter will likely be missing)"
    fi
  fi
  [ -f "${VK_DRIVER_FILES:-/nonexistent}" ] && echo "  $(tr -d '\n ' < "$VK_DRIVER_FILES" | head -c 300)"
fi

# ---- Adapter info -----------------------------------------------------------------------------
say "webgpu-conv info --adapter $ADAPTER"
info() { "$NODE" dist/cli/main.js info --adapter "$ADAPTER" "$@"; }
INFO_OK=0
if info && info --json > "$OUT/info.json" 2>/dev/null; then INFO_OK=1; fi
if [ "$INFO_OK" = 0 ] && [ "$ADAPTER" = hardware ]; then
  echo "run.sh: no hardware adapter; loader diagnostics:"
  VK_LOADER_DEBUG=error,warn,driver info 2>&1 | grep -v '^ *max\|^ *min' | awk '!seen[$0]++' | head -40
  if [ "$(id -u)" = 0 ] && ! have_system_vulkan; then
    # The device README's recipe, tested on these machines: the loaders into /, then ldconfig.
    say "retry: dpkg -x debs/*.deb / && ldconfig (the device README's recipe)"
    for f in debs/*.deb; do deb_x "$f" / ; done
    ldconfig
    export LD_LIBRARY_PATH=${LD_LIBRARY_PATH#"$LIBDIR"}; LD_LIBRARY_PATH=${LD_LIBRARY_PATH#:}
    if info && info --json > "$OUT/info.json" 2>/dev/null; then INFO_OK=1; fi
  fi
fi
[ "$INFO_OK" = 1 ] || { echo "run.sh: could not open the $ADAPTER adapter"; rm -f "$OUT/info.json"; }

# Short GPU name for file names: 'NVIDIA H200' -> h200; the adapter name otherwise.
GPU=$ADAPTER
if [ "$ADAPTER" = hardware ]; then
  name=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)
  [ -n "$name" ] || name=$("$NODE" -e 'try{const i=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(i.description||i.device||"")}catch{}' "$OUT/info.json")
  slug=$(echo "$name" | tr 'A-Z' 'a-z' | sed -E 's/nvidia|geforce|tesla|[^a-z0-9]+/ /g' | awk '{$1=$1; print}' | tr ' ' '-' | cut -c1-24)
  [ -n "$slug" ] && GPU=$slug
fi
DATE=$(date -u +%Y-%m-%d)

# ---- PyTorch: cuDNN fp32 and torch.fft on the same cases --------------------------------------
TORCH_JSON=""
if [ "$DO_TORCH" = 1 ]; then
  say "torch_bench.py (cuDNN fp32, torch.fft)"
  TORCH_DEV=${TORCH_DEVICE:-cuda}
  probe=$("$PYTHON" -c 'import torch; print(torch.__version__, torch.cuda.is_available())' 2>&1 | tail -1)
  if ! "$PYTHON" -c 'import torch' >/dev/null 2>&1; then
    echo "torch: SKIPPED: python3 ($PYTHON) has no torch ($probe)"
  elif [ "$TORCH_DEV" = cuda ] && [ "${probe##* }" != True ]; then
    echo "torch: SKIPPED: torch $probe: no CUDA device (set TORCH_DEVICE=cpu to run it on the CPU)"
  else
    "$NODE" export-cases.mjs "$WORK/cases.json" || echo "run.sh: export-cases.mjs failed; torch_bench.py builds the cases itself"
    TORCH_JSON=$OUT/$DATE-$GPU-cudnn.json
    cases_arg=()
    [ -s "$WORK/cases.json" ] && cases_arg=(--cases "$WORK/cases.json")
    torch_extra=()
    [ "$SMOKE" = 1 ] && torch_extra=(--filter "$FILTER" --repeats 5 --warmup 1)
    PYTHONUNBUFFERED=1 timeout "$TORCH_TIMEOUT" "$PYTHON" torch_bench.py "${cases_arg[@]}" --device "$TORCH_DEV" \
      --out "$TORCH_JSON" "${torch_extra[@]}"
    rc=$?
    [ $rc = 0 ] || echo "torch: torch_bench.py exited $rc$([ $rc = 124 ] && echo " (ran past TORCH_TIMEOUT=${TORCH_TIMEOUT}s)")"
    [ -s "$TORCH_JSON" ] || TORCH_JSON=""
  fi
fi

# ---- The benchmark suite ----------------------------------------------------------------------
BENCH_RC=0
[ "$DO_BENCH" = 1 ] && BENCH_RC=3
BENCH_JSON=""
if [ "$DO_BENCH" = 1 ] && [ "$INFO_OK" = 1 ]; then
  say "bench: --adapter $ADAPTER --quick --runs $RUNS --filter '$FILTER' (at most ${BENCH_TIMEOUT}s)"
  mkdir -p "$WORK/bench-out"
  rm -f "$WORK/bench-out"/*
  timeout "$BENCH_TIMEOUT" "$NODE" --expose-gc bench/run.mjs --adapter "$ADAPTER" --quick --runs "$RUNS" \
    --filter "$FILTER" --out "$WORK/bench-out"
  BENCH_RC=$?
  [ $BENCH_RC = 124 ] && echo "bench: ran past BENCH_TIMEOUT=${BENCH_TIMEOUT}s and was stopped (no results file)"
  src=$(ls "$WORK/bench-out"/*.json 2>/dev/null | head -1)
  if [ -n "$src" ]; then
    # Named for the GPU, and with the commit the pack was built from (there is no git here).
    BENCH_JSON=$OUT/$DATE-$GPU.json
    "$NODE" finish-results.mjs "$src" "$BENCH_JSON" && "$NODE" bench/render.mjs "$BENCH_JSON" > /dev/null \
      || { echo "run.sh: finish-results.mjs failed; copying the bench's files as they are"; cp "$WORK/bench-out"/* "$OUT/"; BENCH_JSON=$OUT/$(basename "$src"); }
  fi
fi

# ---- Summary (last, so that the reply's tail shows it) ----------------------------------------
say "summary"
"$NODE" summary.mjs "${BENCH_JSON:--}" "${TORCH_JSON:--}" || echo "run.sh: summary.mjs failed"
echo
echo "files in \$OUT ($OUT):"
ls -la "$OUT" | tail -n +2
n=$(find "$OUT" -type f | wc -l)
[ "$n" -le 8 ] || echo "WARNING: $n files in \$OUT; only 8 come back"
echo "done in $(( $(date +%s) - T0 )) s; bench exit status $BENCH_RC"
exit "$BENCH_RC"
