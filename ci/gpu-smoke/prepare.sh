#!/usr/bin/env bash
# Writes the GPU smoke bundle into ci/gpu-smoke/bundle/ (git-ignored): everything a GPU machine
# without internet needs to run the gpu-smoke preset with its own libtorch (a folder, or PyTorch's
# torch/lib): the external-backend publish of the CLI, the .NET runtime, a 2,000-image CIFAR-10
# subset with the 1,000 test images, the committed gpu-smoke-cpu baseline and run.sh.
# Usage: ci/gpu-smoke/prepare.sh [--data <data root>]   (default ../shared/data beside the repo)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
data="$repo/../shared/data"
limit_mib=60
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    *) echo "prepare.sh: unknown argument '$1' (expected --data <dir>)" >&2; exit 2 ;;
  esac
done
subset="$data/cifar10"
for f in train_subset.bin.gz test_first1000_exact.bin.gz; do
  [ -f "$subset/$f" ] || { echo "prepare.sh: $subset/$f not found (pass --data <data root holding cifar10/>)" >&2; exit 2; }
done
baseline="$repo/baselines/gpu-smoke-cpu/__snapshots__/figures.snap"
[ -f "$baseline" ] || { echo "prepare.sh: $baseline not found: run the Smoke tier once to write it" >&2; exit 2; }
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime="$(ls -d "$dotnet_root"/shared/Microsoft.NETCore.App/10.* | sort -V | tail -1)"
[ -d "$runtime" ] || { echo "prepare.sh: no .NET 10 runtime under $dotnet_root/shared/Microsoft.NETCore.App" >&2; exit 2; }

out="$here/bundle"
rm -rf "$out"; mkdir -p "$out/data/cifar10" "$out/baseline"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

echo "publishing the CLI with -p:TorchBackend=external (no libtorch inside)"
dotnet publish "$repo/src/NtkRepro.Cli" -c Release -r linux-x64 --self-contained false -p:TorchBackend=external -o "$work/ntkrepro" --nologo -v quiet
if find "$work/ntkrepro" -name 'libtorch*.so*' -o -name 'libc10*.so*' | grep -q .; then
  echo "prepare.sh: the external publish holds a libtorch; it must take libtorch from LD_LIBRARY_PATH" >&2; exit 1
fi
tar -C "$work" -cJf "$out/ntkrepro.tar.xz" ntkrepro

echo "packing the .NET runtime $(basename "$runtime") from $dotnet_root"
tar -C "$dotnet_root" -cJf "$out/dotnet-runtime.tar.xz" dotnet LICENSE.txt ThirdPartyNotices.txt host "shared/Microsoft.NETCore.App/$(basename "$runtime")"

echo "writing the data subset: the first 200 training images of each class (the first 2,000 records) and the 1,000 test images"
(set +o pipefail; gzip -dc "$subset/train_subset.bin.gz" | head -c $((2000 * 3073)) | gzip -9n > "$out/data/cifar10/train_subset.bin.gz")
[ "$(gzip -dc "$out/data/cifar10/train_subset.bin.gz" | wc -c)" = $((2000 * 3073)) ] || { echo "prepare.sh: the training subset is not 2,000 records" >&2; exit 1; }
cp "$subset/test_first1000_exact.bin.gz" "$out/data/cifar10/"
cp "$baseline" "$out/baseline/figures.snap"
cp "$here/run.sh" "$out/run.sh"
git -C "$repo" rev-parse HEAD > "$out/commit" 2>/dev/null || echo unknown > "$out/commit"

total=$(du -sb "$out" | cut -f1)
du -h "$out"/* "$out"/data/cifar10/* | sed 's/^/  /'
mib=$(( (total + 1048575) / 1048576 ))
if [ "$mib" -gt "$limit_mib" ]; then
  echo "prepare.sh: the bundle is $mib MiB, over the $limit_mib MiB limit" >&2; exit 1
fi
echo "bundle: $out ($mib MiB of at most $limit_mib). On the GPU machine: bundle/run.sh --device cuda --libtorch python"
