#!/usr/bin/python3
"""PyTorch 1.13 + functorch peer of `ntkrepro bench`: the same networks, steps and kernel, timed.

Standalone it interleaves its own variants and prints a table. With --serve it is driven by
`ntkrepro bench --peer` over stdin/stdout (one JSON object per line), so that both frameworks'
steps alternate within one run on the same cores.

Protocol (--serve): the script first writes {"hello": {...}} (torch version, machine, threads,
the cases and their parameter counts); then for each line `run <case> <count>` it runs the case
count times and writes {"case": ..., "ms": [...]}; `quit` ends it. Errors are written as
{"error": "..."} and end the script.
"""
import argparse
import json
import os
import platform
import re
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    import functorch
    from functorch import jacrev, jvp, make_functional_with_buffers, vmap
except ImportError as e:  # ntkrepro bench --peer prints this as its skip reason
    print(json.dumps({"error": f"{e.name or 'a module'} is not importable under {sys.executable}: {e}"}), flush=True)
    sys.exit(3)

BN_EPS = 1e-5
BN_MOMENTUM = 0.1
LEARNING_RATE = 0.01
MOMENTUM = 0.9
EPSILON = 4.0 / 255.0


# ---------------------------------------------------------------- networks (src/NtkRepro/Models)

def conv_bn(cin, cout, kernel, stride):
    padding = (kernel - 1) // 2
    return [nn.Conv2d(cin, cout, kernel, stride, padding, bias=False), nn.BatchNorm2d(cout, eps=BN_EPS, momentum=BN_MOMENTUM)]


class GlobalAvgPool(nn.Module):
    def forward(self, x):
        return x.mean((2, 3))


def zero_linear(fin, classes):
    linear = nn.Linear(fin, classes)
    nn.init.zeros_(linear.weight)
    nn.init.zeros_(linear.bias)
    return linear


def small_cnn(width, classes=10):
    """Four 3x3 conv-BN-ReLU layers (w, 2w, 2w, 4w; strides 1, 2, 1, 2), global average pool, linear head."""
    layers, cin = [], 3
    for cout, stride in [(width, 1), (2 * width, 2), (2 * width, 1), (4 * width, 2)]:
        layers += conv_bn(cin, cout, 3, stride) + [nn.ReLU()]
        cin = cout
    return nn.Sequential(*layers, GlobalAvgPool(), zero_linear(cin, classes))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1, self.bn1 = conv_bn(cin, cout, 3, stride)
        self.conv2, self.bn2 = conv_bn(cout, cout, 3, 1)
        self.shortcut = nn.Sequential(*conv_bn(cin, cout, 1, stride)) if stride != 1 or cin != cout else None

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return F.relu(h + (x if self.shortcut is None else self.shortcut(x)))


def resnet18(width, classes=10):
    """ResNet-18 v1 for 32x32: 3x3 stride-1 stem, 4 stages of 2 basic blocks, 1x1 projection shortcuts."""
    layers, cin = conv_bn(3, width, 3, 1) + [nn.ReLU()], width
    for stage, stride in enumerate([1, 2, 2, 2]):
        cout = width * 2 ** stage
        layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
        cin = cout
    return nn.Sequential(*layers, GlobalAvgPool(), zero_linear(cin, classes))


def trained_looking(model):
    """As the .NET bench: a non-zero head, so every parameter has a gradient."""
    with torch.no_grad():
        model[-1].weight.normal_(0, 0.05)
        model[-1].bias.normal_(0, 0.05)
    return model


# ---------------------------------------------------------------- what is timed

class Case:
    """One timed variant: call step() once per timed step."""

    def __init__(self, name, step):
        self.name, self.step = name, step


def standard_step(model, x, y):
    model.train()
    opt = torch.optim.SGD(model.parameters(), LEARNING_RATE, momentum=MOMENTUM)

    def step():
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        return loss.item(), (logits.argmax(1) == y).sum().item()
    return step


class Linearized:
    """f_lin(x; θ) = f_θt(x) + J_θt(x)(θ − θt) (or the centered J term alone), by functorch.jvp."""

    def __init__(self, model, centered):
        model.eval()  # BN running statistics inside the linearization
        self.fmodel, params, self.buffers = make_functional_with_buffers(model)
        self.parent = tuple(p.detach() for p in params)
        self.theta = [p.detach().clone().requires_grad_(True) for p in params]
        self.centered = centered

    def tangents(self):
        return tuple(t - p for t, p in zip(self.theta, self.parent))

    def logits(self, x, tangents):
        f0, delta = jvp(lambda *p: self.fmodel(p, self.buffers, x), self.parent, tangents)
        return delta if self.centered else f0 + delta


def linearized_step(model, x, y, centered):
    lin = Linearized(model, centered)
    opt = torch.optim.SGD(lin.theta, LEARNING_RATE, momentum=MOMENTUM)

    def step():
        opt.zero_grad()
        logits = lin.logits(x, lin.tangents())
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        return loss.item(), (logits.argmax(1) == y).sum().item()
    return step


def centered_pgd_step(model, x, y):
    """One PGD iteration (random start, input gradient through the JVP pass, signed step, projection)."""
    lin = Linearized(model, centered=True)
    with torch.no_grad():  # a child some way from its parent
        for t in lin.theta:
            t.add_(torch.randn_like(t) * 1e-3)
    step_size = EPSILON / 10

    def step():
        tangents = tuple(t.detach() for t in lin.tangents())
        start = (torch.rand(x.shape) * 2 - 1) * EPSILON
        lower, upper = (x - EPSILON).clamp_min(0), (x + EPSILON).clamp_max(1)
        adv = (x + start).clamp(0, 1).requires_grad_(True)
        loss = F.cross_entropy(lin.logits(adv, tangents), y)
        grad, = torch.autograd.grad(loss, adv)
        return torch.min(torch.max(adv.detach() + step_size * grad.sign(), lower), upper)
    return step


def jacobian_rows(model, chunk):
    """x -> (N, C, P): ∇_θ f_c(x_i) for every point and class by vmap(jacrev), BN in eval mode, chunk points per call."""
    model.eval()
    fmodel, params, buffers = make_functional_with_buffers(model)
    params = tuple(p.detach() for p in params)

    def single(p, xi):
        return fmodel(p, buffers, xi.unsqueeze(0)).squeeze(0)
    rows_of = vmap(jacrev(single), in_dims=(None, 0))

    def rows(x):
        blocks = []
        for start in range(0, x.shape[0], chunk):
            jac = rows_of(params, x[start:start + chunk])
            blocks.append(torch.cat([j.flatten(2) for j in jac], 2))
        return torch.cat(blocks, 0)
    return rows


def ntk_class_blocks_step(model, x, chunk):
    """K[c, i, j] = ∇f_c(x_i)ᵀ∇f_c(x_j), shape (C, N, N)."""
    rows_of = jacobian_rows(model, chunk)

    def step():
        rows = rows_of(x)
        return torch.einsum("ikp,jkp->kij", rows, rows)
    return step


def ntk_rows_step(model, x, chunk):
    """The Jacobian rows alone (the contraction above runs on the BLAS torch was built with)."""
    rows_of = jacobian_rows(model, chunk)
    return lambda: rows_of(x)


# ---------------------------------------------------------------- cases, layouts, machine

LAYOUTS = {"nchw": torch.contiguous_format, "channels-last": torch.channels_last}


def build_cases(args):
    torch.manual_seed(0)
    specs = [("small-cnn", lambda: small_cnn(args.width))]
    if not args.no_resnet:
        specs.append(("resnet18", lambda: resnet18(args.resnet_width)))
    cases, params = [], {}
    for model_name, build in specs:
        params[model_name] = sum(p.numel() for p in build().parameters())
        for layout, fmt in LAYOUTS.items():
            def fresh():
                torch.manual_seed(0)
                return trained_looking(build()).to(memory_format=fmt)
            x = torch.rand(args.batch, 3, 32, 32).contiguous(memory_format=fmt)
            y = torch.randint(0, 10, (args.batch,))
            key = f"{model_name}/{layout}"
            cases.append(Case(f"{key}/standard", standard_step(fresh(), x, y)))
            cases.append(Case(f"{key}/linearized", linearized_step(fresh(), x, y, centered=False)))
            cases.append(Case(f"{key}/centered", linearized_step(fresh(), x, y, centered=True)))
            cases.append(Case(f"{key}/pgd-centered", centered_pgd_step(fresh(), x, y)))
            if model_name == "small-cnn" and args.ntk_points > 0:
                xn = torch.rand(args.ntk_points, 3, 32, 32).contiguous(memory_format=fmt)
                cases.append(Case(f"{key}/ntk", ntk_class_blocks_step(fresh(), xn, args.ntk_chunk)))
                cases.append(Case(f"{key}/ntk-rows", ntk_rows_step(fresh(), xn, args.ntk_chunk)))
    return cases, params


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def build_setting(pattern):
    """A value from torch's build configuration, e.g. BLAS_INFO=(\\w+)."""
    found = re.search(pattern, torch.__config__.show())
    return found.group(1) if found else "?"


def loaded_blas():
    """The BLAS library this process actually mapped (Debian's torch uses whichever libblas.so.3 is selected)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.split()[-1]}
        return ", ".join(sorted(os.path.realpath(p) for p in paths)) or "none mapped"
    except OSError:
        return "?"


def hello(cases, params):
    capability = build_setting(r"CPU capability usage: (\w+)")
    onednn = build_setting(r"MKL-DNN (v[0-9.]+)") + ("" if torch.backends.mkldnn.is_available() else " (unavailable)")
    blas = f"{build_setting(r'BLAS_INFO=([a-z]+)')} ({loaded_blas()})"
    return {
        "torch": torch.__version__,
        "functorch": functorch.__version__,
        "python": platform.python_version(),
        "machine": f"{cpu_name()}, {torch.get_num_threads()} torch threads; ATen CPU capability {capability}; oneDNN {onednn}; BLAS {blas}",
        "threads": torch.get_num_threads(),
        "cases": [c.name for c in cases],
        "parameters": params,
    }


def time_ms(case):
    start = time.perf_counter()
    case.step()
    return (time.perf_counter() - start) * 1000


def serve(cases, info):
    by_name = {c.name: c for c in cases}
    print(json.dumps({"hello": info}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            return
        if words[0] != "run" or len(words) != 3 or words[1] not in by_name:
            print(json.dumps({"error": f"bad request: {line.strip()}"}), flush=True)
            sys.exit(2)
        case = by_name[words[1]]
        print(json.dumps({"case": case.name, "ms": [time_ms(case) for _ in range(int(words[2]))]}), flush=True)


def standalone(cases, info, args):
    print(json.dumps(info, indent=1))
    for c in cases:  # warm-up: oneDNN primitives, allocator
        for _ in range(args.warmup):
            c.step()
    times = {c.name: [] for c in cases}
    for _ in range(args.steps):  # interleaved: one step of every case per round
        for c in cases:
            times[c.name].append(time_ms(c))
    print(f"{'case':<36} {'median':>10} {'min':>10} {'max':>10}  ({args.steps} interleaved rounds)")
    for name, t in times.items():
        t = sorted(t)
        print(f"{name:<36} {t[len(t) // 2]:>8.1f}ms {t[0]:>8.1f}ms {t[-1]:>8.1f}ms")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, required=True, help="torch.set_num_threads (use the .NET run's count)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--width", type=int, default=16, help="small CNN width")
    p.add_argument("--resnet-width", type=int, default=16)
    p.add_argument("--no-resnet", action="store_true")
    p.add_argument("--ntk-points", type=int, default=100, help="N for the NTK class blocks (0: none)")
    p.add_argument("--ntk-chunk", type=int, default=50, help="points per vmap(jacrev) call")
    p.add_argument("--steps", type=int, default=20, help="standalone: timed rounds")
    p.add_argument("--warmup", type=int, default=2, help="standalone: untimed steps per case")
    p.add_argument("--serve", action="store_true", help="driven by ntkrepro bench --peer over stdin/stdout")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    cases, params = build_cases(args)
    info = hello(cases, params)
    if args.serve:
        serve(cases, info)
    else:
        standalone(cases, info, args)


if __name__ == "__main__":
    main()
