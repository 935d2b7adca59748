#!/usr/bin/env bash
# Submits a preset's plan to a Slurm cluster: one job per step, held (afterok) until the steps it
# reads are done, and the report job after every step has ended (afterany).
#   ci/slurm-submit.sh [preset] [store]        (defaults: paper, $PWD/runs/<preset>)
# The store must be on a filesystem every node sees. Needs the .NET SDK on the nodes and, for GPU
# presets, a CUDA build (internet access once, to restore libtorch-cuda). SBATCH_OPTIONS is added to
# every sbatch (e.g. "--partition=gpu --account=lab"). Resubmitting is safe: finished steps are
# reused, interrupted ones resume. README "On a Slurm cluster" says how to follow the jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-paper}
store=$(realpath -m "${2:-$PWD/runs/$preset}")
backend=cpu
case "$preset" in paper|nightly-gpu) backend=cuda ;; esac
dotnet build src/NtkRepro.Cli -c Release -p:TorchBackend=$backend
export NTKREPRO="dotnet $PWD/src/NtkRepro.Cli/bin/Release/net10.0/NtkRepro.Cli.dll"
mkdir -p "$store"
$NTKREPRO plan --preset "$preset" --format slurm --store "$store" > "$store/submit.sh"
echo "submitting $store/submit.sh"
bash "$store/submit.sh"
