#!/usr/bin/env python3
"""PyTorch's figures for the bench's cases (issue 14): cuDNN fp32 conv2d/conv1d and torch.fft-based
convolution, on the same shapes as bench/run.mjs, for the comparison table of the device run.

    python3 torch_bench.py [--cases cases.json] [--out result.json] [--device cuda|cpu]
                           [--repeats 30] [--warmup 5] [--filter RE]

--cases is what `node export-cases.mjs` writes from bench/lib/cases.mjs (the shape suite a-h and the
full kernel-size, image-size and conv1d sweeps); without it the same cases are built here from
bench/bench-shapes.json and the sweep constants below (kept in step with bench/lib/cases.mjs).

Per case:
  cudnn  F.conv2d / F.conv1d in float32 with TF32 off (torch.backends.cudnn.allow_tf32 = False,
         torch.backends.cuda.matmul.allow_tf32 = False) and cudnn.benchmark = True (the first calls,
         in the warm-up, pick the algorithm). Kernel time: CUDA events around each call with the
         tensors on the GPU; median and min of >= 20 timed calls after the warm-up. End to end:
         host tensor -> GPU, convolution, result -> host (pageable memory, like the bench's
         upload + readback), wall clock, median.
  fft    cross-correlation by FFT: zero-pad the input as the case pads it, rfft2 (rfft for conv1d) of
         input and weights at a fast size >= the padded input (products of 2, 3, 5, 7), the product
         with the conjugate weight spectrum summed over the input channels of each group, irfft2,
         then the valid window at the case's stride. The weights' transform is inside the timed
         region (each call transforms them, as a library call would). Kernel time as above.
Both are checked against a float64 convolution of the same inputs (relative error
||out - ref|| / ||ref||): fp32 lands near 1e-7..1e-6; near 1e-4 would mean TF32 was used.

Inputs are uniform in [-1, 1) from a seeded generator (not the bench's mulberry32 values: these
times do not depend on the values). They stay in the GPU's L2 cache across timed calls, as the
bench's do.
"""
import argparse
import json
import math
import os
import platform
import re
import statistics
import sys
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))

# bench/lib/cases.mjs's sweeps (used only when no --cases file is given).
KERNEL_SIZES = [3, 5, 7, 9, 11, 15, 19, 23, 27, 31]
IMAGE_SIZES = [128, 256, 512, 1024, 2048]
KERNEL_LENGTHS = [9, 17, 33, 65, 129, 257, 513]
SIGNAL_LENGTH = 1 << 20


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", help="cases JSON from export-cases.mjs (default: built from bench/bench-shapes.json)")
    p.add_argument("--out", help="where to write the JSON results (default: print only)")
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--repeats", type=int, default=30, help="timed calls per case and method (>= 20 for quoted figures)")
    p.add_argument("--warmup", type=int, default=5, help="untimed calls first (cudnn.benchmark tunes in the first)")
    p.add_argument("--e2e-repeats", type=int, default=20, help="timed end-to-end calls (cuDNN)")
    p.add_argument("--filter", help="only cases whose id, name or group matches (regex, case-insensitive)")
    p.add_argument("--no-fft", action="store_true", help="skip the torch.fft convolution")
    return p.parse_args()


def same_pad(k):
    before = (k - 1) // 2
    return before, k - 1 - before


def build_cases():
    """The bench's cases, as bench/lib/cases.mjs builds them (fallback when no --cases file)."""
    path = os.path.join(HERE, "bench", "bench-shapes.json")
    with open(path) as f:
        shapes = json.load(f)["shapes"]
    cases = []

    def finish(c):
        n, cin = c["inputShape"][0], c["inputShape"][1]
        k, cg = c["weightShape"][0], c["weightShape"][1]
        spatial_in = c["inputShape"][2:]
        kern = c["weightShape"][2:]
        pads = [(c["pad"][0], c["pad"][1]), (c["pad"][2], c["pad"][3])][-len(kern):]
        out = [(i + a + b - kk) // c["stride"] + 1 for i, kk, (a, b) in zip(spatial_in, kern, pads)]
        c["outputShape"] = [n, k] + out
        taps = math.prod(kern)
        outputs = n * k * math.prod(out)
        c["flops"] = 2 * outputs * cg * taps
        c["bytes"] = 4 * (n * cin * math.prod(spatial_in) + k * cg * taps + outputs)
        cases.append(c)

    for s in shapes:
        finish(dict(id=s["id"], name=s["name"], group="shapes", op="conv2d",
                    inputShape=[s["N"], s["C"], s["H"], s["W"]],
                    weightShape=[s["K"], s["C"] // s["groups"], s["KH"], s["KW"]],
                    stride=s["stride"], groups=s["groups"], pad=[s["pad"]] * 4, x=None))
    for k in KERNEL_SIZES:
        a, b = same_pad(k)
        finish(dict(id=f"k{k}", name=f"512² filter {k}×{k}", group="kernel-size", op="conv2d",
                    inputShape=[1, 1, 512, 512], weightShape=[1, 1, k, k], stride=1, groups=1, pad=[a, b, a, b], x=k))
    for side in IMAGE_SIZES:
        a, b = same_pad(5)
        finish(dict(id=f"img{side}", name=f"{side}² filter 5×5", group="image-size", op="conv2d",
                    inputShape=[1, 1, side, side], weightShape=[1, 1, 5, 5], stride=1, groups=1, pad=[a, b, a, b], x=side))
    for k in KERNEL_LENGTHS:
        a, b = same_pad(k)
        finish(dict(id=f"1d-k{k}", name=f"conv1d 1M samples, kernel {k}", group="conv1d", op="conv1d",
                    inputShape=[1, 1, SIGNAL_LENGTH], weightShape=[1, 1, k], stride=1, groups=1, pad=[0, 0, a, b], x=k))
    return cases


def fast_len(n):
    """The smallest m >= n whose only prime factors are 2, 3, 5 and 7 (sizes cuFFT does fastest)."""
    m = n
    while True:
        r = m
        for p in (2, 3, 5, 7):
            while r % p == 0:
                r //= p
        if r == 1:
            return m
        m += 1


def round4(v):
    if isinstance(v, float) and math.isfinite(v) and v != int(v):
        return float(f"{v:.4g}")
    return v


def rounded(o):
    if isinstance(o, dict):
        return {k: rounded(v) for k, v in o.items()}
    if isinstance(o, list):
        return [rounded(v) for v in o]
    return round4(o)


def main():
    args = parse_args()
    try:
        import torch
        import torch.nn.functional as F
    except ImportError as e:
        print(f"torch_bench: SKIPPED: python3 has no torch ({e})")
        return 0
    if args.device == "cuda" and not torch.cuda.is_available():
        print(f"torch_bench: SKIPPED: torch {torch.__version__} sees no CUDA device (--device cpu runs it on the CPU)")
        return 0

    # fp32 as fp32: no TF32 anywhere, and cuDNN's own autotuner picks each shape's algorithm.
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    if hasattr(torch, "set_float32_matmul_precision"):
        torch.set_float32_matmul_precision("highest")

    dev = torch.device(args.device)
    cuda = dev.type == "cuda"

    if args.cases:
        with open(args.cases) as f:
            cases = json.load(f)["cases"]
        source = os.path.basename(args.cases)
    else:
        cases = build_cases()
        source = "torch_bench.py (bench/bench-shapes.json + sweep constants)"
    if args.filter:
        rx = re.compile(args.filter, re.I)
        cases = [c for c in cases if rx.search(c["id"]) or rx.search(c["name"]) or rx.search(c["group"])]

    def sync():
        if cuda:
            torch.cuda.synchronize()

    def time_kernel(fn, repeats, warmup):
        """Median and min ms of `repeats` calls of fn (inputs resident), after `warmup` calls."""
        for _ in range(warmup):
            fn()
        sync()
        times = []
        if cuda:
            starts = [torch.cuda.Event(enable_timing=True) for _ in range(repeats)]
            ends = [torch.cuda.Event(enable_timing=True) for _ in range(repeats)]
            for i in range(repeats):
                starts[i].record()
                fn()
                ends[i].record()
            torch.cuda.synchronize()
            times = [s.elapsed_time(e) for s, e in zip(starts, ends)]
        else:
            for _ in range(repeats):
                t0 = time.perf_counter()
                fn()
                times.append((time.perf_counter() - t0) * 1e3)
        return times

    def time_wall(fn, repeats, warmup):
        for _ in range(warmup):
            fn()
        sync()
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            sync()
            times.append((time.perf_counter() - t0) * 1e3)
        return times

    def summary(times, flops, nbytes):
        med = statistics.median(times)
        return {
            "medianMs": med,
            "minMs": min(times),
            "n": len(times),
            "gflops": flops / med / 1e6 if med > 0 else None,
            "gbps": nbytes / med / 1e6 if med > 0 else None,
            "timesMs": times,
        }

    gen = torch.Generator(device="cpu").manual_seed(1234)

    def uniform(shape):
        return (torch.rand(shape, generator=gen, dtype=torch.float32) * 2 - 1)

    results = []
    print(f"torch_bench: torch {torch.__version__} on {torch.cuda.get_device_name(0) if cuda else platform.processor() or 'cpu'}"
          f"; {len(cases)} cases; {args.warmup} warm-up + {args.repeats} timed calls each")
    header = f"{'case':8} {'cuDNN ms':>10} {'GFLOP/s':>9} {'e2e ms':>9} {'fft ms':>9} {'fft size':>12} {'err cuDNN':>10} {'err fft':>9}"
    print(header)
    for c in cases:
        rec = {k: c[k] for k in ("id", "name", "group", "op", "inputShape", "weightShape", "stride", "groups", "pad", "flops", "bytes")}
        conv1d = c["op"] == "conv1d"
        stride, groups = c["stride"], c["groups"]
        pt, pb, pl, pr = c["pad"]
        try:
            x_host = uniform(c["inputShape"])
            w_host = uniform(c["weightShape"])
            x = x_host.to(dev)
            w = w_host.to(dev)
            if conv1d:
                symmetric = pl == pr
                pad_arg = pl
                conv = F.conv1d
                pad_tuple = (pl, pr)
            else:
                symmetric = pt == pb and pl == pr
                pad_arg = (pt, pl)
                conv = F.conv2d
                pad_tuple = (pl, pr, pt, pb)

            def run_cudnn(xx, ww):
                if symmetric:
                    return conv(xx, ww, stride=stride, padding=pad_arg, groups=groups)
                return conv(F.pad(xx, pad_tuple), ww, stride=stride, groups=groups)

            # Reference in float64 (on the same device; cuDNN/ATen double convolution).
            ref = run_cudnn(x.double(), w.double())
            out = run_cudnn(x, w)
            sync()
            err = (torch.linalg.vector_norm(out.double() - ref) / torch.linalg.vector_norm(ref)).item()
            rec["cudnn"] = summary(time_kernel(lambda: run_cudnn(x, w), args.repeats, args.warmup), c["flops"], c["bytes"])
            rec["cudnn"]["relErr"] = err
            if cuda:
                def e2e():
                    y = run_cudnn(x_host.to(dev), w_host.to(dev))
                    return y.cpu()
                e2e_times = time_wall(e2e, args.e2e_repeats, 2)
                rec["cudnn"]["e2eMedianMs"] = statistics.median(e2e_times)
                rec["cudnn"]["e2eMinMs"] = min(e2e_times)
                rec["cudnn"]["e2eTimesMs"] = e2e_times

            if not args.no_fft:
                fft_fn, fft_size = make_fft_conv(torch, F, c)
                y = fft_fn(x, w)
                sync()
                if tuple(y.shape) != tuple(ref.shape):
                    raise RuntimeError(f"fft output shape {tuple(y.shape)} != {tuple(ref.shape)}")
                ferr = (torch.linalg.vector_norm(y.double() - ref) / torch.linalg.vector_norm(ref)).item()
                rec["fft"] = summary(time_kernel(lambda: fft_fn(x, w), args.repeats, args.warmup), c["flops"], c["bytes"])
                rec["fft"]["relErr"] = ferr
                rec["fft"]["size"] = fft_size
            del x, w, ref, out
        except Exception as e:  # one case's failure (e.g. out of memory) must not lose the others
            rec["error"] = f"{type(e).__name__}: {e}"
            print(f"{c['id']:8} FAILED: {rec['error']}")
            if cuda:
                torch.cuda.empty_cache()
            results.append(rec)
            continue
        cu = rec["cudnn"]
        ff = rec.get("fft")
        print(f"{c['id']:8} {cu['medianMs']:10.4f} {cu['gflops']:9.1f} {cu.get('e2eMedianMs', float('nan')):9.3f} "
              f"{(ff['medianMs'] if ff else float('nan')):9.4f} {('x'.join(map(str, ff['size'])) if ff else '-'):>12} "
              f"{cu['relErr']:10.1e} {(ff['relErr'] if ff else float('nan')):9.1e}")
        bad = cu["relErr"] > 1e-5 or not math.isfinite(cu["relErr"])
        if bad:
            print(f"         WARNING: cuDNN's relative error {cu['relErr']:.1e} is above fp32's (TF32 or a wrong result?)")
        results.append(rec)

    doc = {
        "schema": "webgpu-conv-torch/1",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version() if cuda else None,
        "device": args.device,
        "deviceName": torch.cuda.get_device_name(0) if cuda else (platform.processor() or "cpu"),
        "python": platform.python_version(),
        "machine": {"os": f"{platform.system()} {platform.release()} {platform.machine()}", "cores": os.cpu_count()},
        "settings": {
            "allowTf32": torch.backends.cudnn.allow_tf32,
            "matmulAllowTf32": torch.backends.cuda.matmul.allow_tf32,
            "cudnnBenchmark": torch.backends.cudnn.benchmark,
            "warmup": args.warmup,
            "repeats": args.repeats,
            "e2eRepeats": args.e2e_repeats,
            "timing": "CUDA events around each call, tensors resident; median" if cuda else "wall clock per call; median",
            "inputs": "uniform [-1, 1), torch.Generator seed 1234",
            "cases": source,
        },
        "cases": results,
    }
    if args.out:
        with open(args.out, "w") as f:
            json.dump(rounded(doc), f, indent=1)
            f.write("\n")
        print(f"torch_bench: wrote {args.out}")
    failed = [r["id"] for r in results if "error" in r]
    if failed:
        print(f"torch_bench: {len(failed)} case(s) failed: {' '.join(failed)}")
    return 0


def make_fft_conv(torch, F, c):
    """A function (x, w) -> the case's cross-correlation computed with real FFTs, and the FFT size."""
    conv1d = c["op"] == "conv1d"
    stride, groups = c["stride"], c["groups"]
    pt, pb, pl, pr = c["pad"]
    n, cin = c["inputShape"][0], c["inputShape"][1]
    k, cg = c["weightShape"][0], c["weightShape"][1]
    kg = k // groups
    out_sp = c["outputShape"][2:]
    if conv1d:
        length = c["inputShape"][2] + pl + pr
        size = [fast_len(length)]
        (ow,) = out_sp

        def fn(x, w):
            xp = F.pad(x, (pl, pr))
            X = torch.fft.rfft(xp, n=size[0]).reshape(n, groups, cg, -1)
            W = torch.fft.rfft(w, n=size[0]).reshape(groups, kg, cg, -1).conj()
            Y = torch.einsum("ngcf,gkcf->ngkf", X, W) if cg > 1 else X * W.transpose(1, 2).reshape(1, groups, kg, -1)
            y = torch.fft.irfft(Y.reshape(n, k, -1), n=size[0])
            return y[..., : (ow - 1) * stride + 1 : stride]
        return fn, size

    hp = c["inputShape"][2] + pt + pb
    wp = c["inputShape"][3] + pl + pr
    size = [fast_len(hp), fast_len(wp)]
    oh, ow = out_sp

    def fn(x, w):
        xp = F.pad(x, (pl, pr, pt, pb))
        X = torch.fft.rfft2(xp, s=size)
        X = X.reshape(n, groups, cg, size[0], -1)
        W = torch.fft.rfft2(w, s=size).reshape(groups, kg, cg, size[0], -1).conj()
        if cg > 1:
            Y = torch.einsum("ngcij,gkcij->ngkij", X, W)
        else:  # one input channel per group (image filters, depthwise): a broadcast product
            Y = X * W.transpose(1, 2).reshape(1, groups, kg, size[0], -1)
        y = torch.fft.irfft2(Y.reshape(n, k, size[0], -1), s=size)
        return y[..., : (oh - 1) * stride + 1 : stride, : (ow - 1) * stride + 1 : stride]
    return fn, size


if __name__ == "__main__":
    sys.exit(main())
