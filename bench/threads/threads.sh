#!/usr/bin/env bash
# One thread against two, and two one-thread steps side by side, for each step kind of the mini
# preset: every case recomputes one finished step of a store (copied by hard links, its outputs
# removed) with run-step. Interleaved rounds; prints seconds per case and round.
#   bench/threads/threads.sh <finished mini store> [rounds]
set -euo pipefail
store=$(realpath "$1"); rounds=${2:-2}
cli=(dotnet "$(dirname "$0")/../../src/NtkRepro.Cli/bin/Release/net10.0/NtkRepro.Cli.dll")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# kind | step key | what to remove (globs relative to the store) so that the step computes again
cases=(
  "stage2-standard|cifar10/r1/stage2/benign-t30-standard|cifar10/r1/stage2/benign-t30-standard-*"
  "stage2-centered|cifar10/r1/stage2/benign-t30-centered|cifar10/r1/stage2/benign-t30-centered-*"
  "eval-child|cifar10-eps4/r1/eval/stage2/benign-t30-centered|cifar10/r1/stage2/benign-t30-centered-*/eval/*eps4*"
  "masking|cifar10-eps4/r1/masking/stage2/benign-t30-centered|cifar10/r1/stage2/benign-t30-centered-*/masking/*"
  "kernels|cifar10/r1/kernels/benign|cifar10/r1/stage1/benign-*/kernels/per-class-25_seed-0"
)
fresh() { # copy of the store without the case's outputs, its manifests and timings
  local dir=$1 remove=$2 key=$3
  rm -rf "$dir"; cp -al "$store" "$dir"; rm -rf "$dir/locks"  # lock files shared by hard links would serialize the copies
  (cd "$dir" && rm -rf $remove "manifests/${key//\//\~}.json" "timings/${key//\//\~}.json")
}
run() { # seconds of one run-step
  local dir=$1 key=$2 threads=$3 start end
  start=$(date +%s.%N)
  "${cli[@]}" run-step "$key" --preset mini --store "$dir" --threads "$threads" > "$dir.log" 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
echo "kind round one-thread two-threads side-by-side(a) side-by-side(b)"
for r in $(seq 1 "$rounds"); do
  for c in "${cases[@]}"; do
    IFS='|' read -r kind key remove <<< "$c"
    fresh "$work/a" "$remove" "$key"; t1=$(run "$work/a" "$key" 1)
    fresh "$work/a" "$remove" "$key"; t2=$(run "$work/a" "$key" 2)
    fresh "$work/a" "$remove" "$key"; fresh "$work/b" "$remove" "$key"
    run "$work/a" "$key" 1 > "$work/ta" & run "$work/b" "$key" 1 > "$work/tb"; wait
    echo "$kind $r $t1 $t2 $(cat "$work/ta") $(cat "$work/tb")"
  done
done
