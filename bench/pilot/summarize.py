#!/usr/bin/env python3
"""The pilot's table: per run, when training accuracy first reaches 99% (and whether it stays),
the accuracy at a few fractions of training, the kernel's distance to its final kernel and its
one-epoch velocity early and late (from the run's kernels/*/metrics.json), and the wall time."""
import json, os, sys, glob

out = sys.argv[1] if len(sys.argv) > 1 else "runs/pilot"
times = {}
if os.path.exists(f"{out}/times.txt"):
    for line in open(f"{out}/times.txt"):
        name, rest = line.split(":", 1)
        times[name] = rest.strip()
print("| run | epochs | first ≥ 99% train acc (share of epochs after it ≥ 99%) | train acc at 30% / 50% / end | adv. train acc at end | S(K_t, K_T): t = 0 → 20% → 30% → 40% | velocity [0,1] → late max (from 30%) | wall (train, kernels) |")
print("|---|---:|---|---|---|---|---|---|")
for run in sorted(glob.glob(f"{out}/*/metrics.json")):
    name = run.split("/")[-2]
    m = json.load(open(run))
    T = len(m)
    acc = [x["accuracy"] for x in m]
    first = next((i for i, a in enumerate(acc) if a >= 0.99), None)
    after = acc[first + 1:] if first is not None else []
    share = sum(a >= 0.99 for a in after) / len(after) if after else 1.0
    fit = "never" if first is None else f"after {first + 1} epochs ({first + 1 - 0:.0f}/{T} = {(first + 1) / T:.0%}; {share:.0%})"
    at = lambda f: f"{acc[max(0, int(round(f * T)) - 1)] * 100:.1f}"
    adv = m[-1].get("adversarialAccuracy")
    kern = glob.glob(f"{out}/{name}/kernels/*/metrics.json")
    dist = vel = "—"
    if kern:
        k = json.load(open(kern[0]))
        pts = {c["epoch"]: c["distanceToFinal"] for c in k["checkpoints"]}
        def d(f):
            e = min(pts, key=lambda x: abs(x - f * T))
            return f"{pts[e]:.4f}"
        dist = " → ".join(d(f) for f in (0, 0.2, 0.3, 0.4))
        ones = {(v["fromEpoch"], v["toEpoch"]): v["value"] for v in k.get("oneEpochVelocities") or []}
        v0 = ones.get((0.0, 1.0))
        late = [v for (a, b), v in ones.items() if a >= 0.3 * T]
        vel = f"{v0:.4f} → {max(late):.5f}" if v0 and late else "—"
    print(f"| {name} | {T} | {fit} | {at(0.3)} / {at(0.5)} / {acc[-1] * 100:.1f} | {'' if adv is None else f'{adv * 100:.1f}'} | {dist} | {vel} | {times.get(name, '')} |")
