#!/usr/bin/env bash
# Runs the GPU smoke preset from a bundle written by prepare.sh, with libtorch taken from the
# machine: a folder (a libtorch lib/) or the torch package of its python3.
#   run.sh --device cuda --libtorch python    gpu-smoke on CUDA, then gpu-smoke-cpu on CUDA and on the CPU
#   run.sh --device cpu  --libtorch <dir>     gpu-smoke-cpu on the CPU (the test of the external route)
# Writes into --out (default ./gpu-smoke-out): the machine line, the missing-symbol list, every
# log, each run's report and a side-by-side table of figures; exit 0 when every run completed and
# the CPU run matches the bundled baseline, 1 when a run or a comparison failed, 2 on bad input.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bundle="$here"; [ -f "$bundle/ntkrepro.tar.xz" ] || bundle="$here/bundle"
device=""; libtorch=""; out="$PWD/gpu-smoke-out"; threads=""
usage() { echo "usage: run.sh --device cuda|cpu --libtorch <dir>|python [--out <dir>] [--threads N] [--bundle <dir>]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device="$2"; shift 2 ;;
    --libtorch) libtorch="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --bundle) bundle="$2"; shift 2 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
case "$device" in cuda|cpu) ;; *) echo "run.sh: --device must be cuda or cpu, not '$device'" >&2; usage ;; esac
[ -n "$libtorch" ] || { echo "run.sh: --libtorch is required" >&2; usage; }
[ -f "$bundle/ntkrepro.tar.xz" ] || { echo "run.sh: no bundle at $bundle (write one with ci/gpu-smoke/prepare.sh)" >&2; exit 2; }
if [ "$libtorch" = python ]; then
  libtorch="$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')" \
    || { echo "run.sh: python3 has no importable torch package" >&2; exit 2; }
fi
libtorch="$(cd "$libtorch" 2>/dev/null && pwd)" || { echo "run.sh: libtorch folder not found" >&2; exit 2; }
[ -f "$libtorch/libtorch_cpu.so" ] || { echo "run.sh: $libtorch holds no libtorch_cpu.so" >&2; exit 2; }

mkdir -p "$out/logs"; out="$(cd "$out" && pwd)"
work="$out/unpacked"; rm -rf "$work"; mkdir -p "$work/dotnet"
start=$(date +%s)
log() { echo "[$(( $(date +%s) - start ))s] $*" | tee -a "$out/run.log"; }
: > "$out/run.log"
log "bundle $bundle (commit $(cat "$bundle/commit" 2>/dev/null)); libtorch $libtorch; device $device"
tar -C "$work" -xJf "$bundle/ntkrepro.tar.xz" && tar -C "$work/dotnet" -xJf "$bundle/dotnet-runtime.tar.xz" || { log "unpacking failed"; exit 1; }
export DOTNET_ROOT="$work/dotnet" DOTNET_CLI_TELEMETRY_OPTOUT=1 NTKREPRO_DATA="$bundle/data"
export LD_LIBRARY_PATH="$libtorch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cli() { "$work/dotnet/dotnet" "$work/ntkrepro/NtkRepro.Cli.dll" "$@"; }

# The shim's C++ imports that this libtorch does not export: each one fails at load or at first call.
shim="$(find "$work/ntkrepro" -name libLibTorchSharp.so | head -1)"
if command -v nm >/dev/null; then
  # Strong undefined C++ symbols only: versioned ones (@GLIBCXX_…) come from libstdc++, weak ones (TLS init) may stay unresolved.
  nm -D --undefined-only "$shim" | awk '$1 == "U" && $2 ~ /^_Z/ && $2 !~ /@/ {print $2}' | sort -u > "$work/imports"
  for l in "$libtorch"/libtorch*.so "$libtorch"/libc10*.so; do [ -f "$l" ] && nm -D --defined-only "$l"; done | awk '{print $NF}' | sort -u > "$work/exports"
  comm -23 "$work/imports" "$work/exports" > "$out/missing-symbols.txt"
  missing=$(wc -l < "$out/missing-symbols.txt")
  log "shim imports $(wc -l < "$work/imports") C++ symbols; $missing missing from $libtorch (missing-symbols.txt)"
  if [ "$missing" -gt 0 ] && command -v c++filt >/dev/null; then c++filt < "$out/missing-symbols.txt" > "$out/missing-symbols.demangled.txt"; fi
else
  log "nm not found (binutils): the shim's imports were not checked"
fi

status=0
# reproduce exits 0, or 1 when a masking or attack check failed (expected after 4 epochs; the report lists them); anything else is a failed run.
run_preset() { # preset device name
  local code
  log "reproduce --preset $1 --device $2"
  cli reproduce --preset "$1" --device "$2" ${threads:+--threads "$threads"} --out "$out/stores/$3" > "$out/logs/$3.log" 2>&1; code=$?
  grep -m1 '^machine:' "$out/logs/$3.log" >> "$out/machine.txt"
  if [ "$code" -le 1 ] && [ -f "$out/stores/$3/results.json" ]; then
    log "$3 done (exit $code$([ $code = 1 ] && echo ': some masking or attack checks failed, see its report'))"
    mkdir -p "$out/reports"; rm -rf "$out/reports/$3"; cp -r "$out/stores/$3/report" "$out/reports/$3"
    return 0
  fi
  log "$3 FAILED (exit $code): last lines of logs/$3.log:"; tail -5 "$out/logs/$3.log" | tee -a "$out/run.log"; status=1; return 1
}
compare() { # baseline received table labels
  log "compare $1 $2 → $3"
  cli compare "$1" "$2" --side-by-side "$out/$3" --labels "$4" > "$out/logs/compare-${3%.md}.log" 2>&1
  local code=$?; tail -1 "$out/logs/compare-${3%.md}.log" | tee -a "$out/run.log"; return $code
}

: > "$out/machine.txt"
if [ "$device" = cuda ]; then
  run_preset gpu-smoke cuda gpu-smoke-cuda
  cuda_ok=0; run_preset gpu-smoke-cpu cuda gpu-smoke-cpu-cuda || cuda_ok=1
  cpu_ok=0; run_preset gpu-smoke-cpu cpu gpu-smoke-cpu-cpu || cpu_ok=1
  # CUDA against the CPU on one configuration: read as a table; a mismatch is a finding, not a failure of the run.
  [ $cuda_ok = 0 ] && [ $cpu_ok = 0 ] && { compare "$out/stores/gpu-smoke-cpu-cpu" "$out/stores/gpu-smoke-cpu-cuda" side-by-side-cuda-vs-cpu.md "cpu,cuda" || true; }
  [ $cpu_ok = 0 ] && { compare "$bundle/baseline/figures.snap" "$out/stores/gpu-smoke-cpu-cpu" side-by-side-cpu-vs-baseline.md "baseline,cpu" || status=1; }
else
  if run_preset gpu-smoke-cpu cpu gpu-smoke-cpu-cpu; then
    compare "$bundle/baseline/figures.snap" "$out/stores/gpu-smoke-cpu-cpu" side-by-side-cpu-vs-baseline.md "baseline,cpu" || status=1
  fi
fi
rm -rf "$work"
log "finished: exit $status; results in $out"
exit $status
