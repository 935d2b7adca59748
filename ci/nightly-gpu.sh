#!/usr/bin/env bash
# Nightly GPU job: the paper-scale tier. Needs a CUDA GPU, internet access (to restore the CUDA
# build of libtorch), and the full CIFAR-10 binary download in the data root
# (NTKREPRO_DATA, or: dotnet run --project src/NtkRepro.Cli -- data --download cifar10 --data <dir>).
# Runs the nightly-gpu preset (cached under runs/nightly-gpu between nights when that folder is
# kept) and checks its claims and figures against baselines/nightly-gpu (strict).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 SNAPSHOOTER_STRICT_MODE=true
if [ ! -f baselines/nightly-gpu/__snapshots__/figures.snap ]; then
  # The first night writes the baseline (to be reviewed and committed); later nights compare.
  echo "nightly-gpu: no committed baseline yet; this run writes baselines/nightly-gpu for review"
  export SNAPSHOOTER_STRICT_MODE=false
fi
nvidia-smi || { echo "nightly-gpu: no NVIDIA GPU visible"; exit 1; }
rm -rf TestResults
dotnet build NtkRepro.sln -c Release -p:TorchBackend=cuda
status=0
dotnet test NtkRepro.sln -c Release --no-build -p:TorchBackend=cuda --filter "Tier=Gpu" || status=$?
dotnet run --project src/NtkRepro.Cli -c Release --no-build -p:TorchBackend=cuda -- report --preset nightly-gpu || true
exec ci/summarize-tests.sh TestResults "$status"
