#!/usr/bin/env bash
# The pilot behind the mini preset (issue "the paper's regime on a CPU"): benign and adversarial
# stage-1 runs of the small CNN at a few widths, training-set sizes and lengths, at the authors'
# constant learning rate 0.1, with kernels on 25 points per class at a sparse grid of checkpoints.
# Usage: bench/pilot/pilot.sh [OUT] (default runs/pilot); then bench/pilot/summarize.py OUT.
# Resumable: a finished run or kernel is reused.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/pilot}
cli="dotnet ${NTKREPRO_CLI_DLL:-src/NtkRepro.Cli/bin/Release/net10.0/NtkRepro.Cli.dll}"
[ -f src/NtkRepro.Cli/bin/Release/net10.0/NtkRepro.Cli.dll ] || dotnet build src/NtkRepro.Cli -c Release
mkdir -p "$out"
# name width per-class schedule epochs
runs=(
  "w16-n100-benign 16 100 benign 150"
  "w16-n100-adversarial 16 100 adversarial 150"
  "w32-n100-benign 32 100 benign 100"
  "w16-n50-benign 16 50 benign 100"
  "w16-n200-benign 16 200 benign 100"
  "w16-n100-benign-seed1 16 100 benign 150"
  "w32-n100-adversarial 32 100 adversarial 100"
)
for r in "${runs[@]}"; do
  read -r name width per schedule epochs <<<"$r"
  seed=0; [[ $name == *seed1 ]] && seed=1
  start=$(date +%s)
  $cli train stage1 --out "$out/$name" --schedule "$schedule" --epochs "$epochs" --width "$width" --train-per-class "$per" \
    --pgd-steps 5 --pgd-step-size 1.6 --seed "$seed" --threads 2 > "$out/$name.train.log" 2>&1
  mid=$(date +%s)
  grid=$(python3 -c "e=$epochs; print(','.join(str(x) for x in sorted({0,1,2,3,5,10,15,20} | set(range(0, e+1, e//10)) | set(range(e//10+1, e+1, e//10)) | {e-1, e} ) if x <= e))")
  $cli ntk --run "$out/$name" --epochs "$grid" --per-class 25 --threads 2 > "$out/$name.ntk.log" 2>&1
  end=$(date +%s)
  echo "$name: train $((mid - start)) s, kernels $((end - mid)) s" | tee -a "$out/times.txt"
done
