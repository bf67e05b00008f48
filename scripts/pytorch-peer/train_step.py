#!/usr/bin/env python3
"""PyTorch peer for unet3d-bench: times one training iteration (forward, masked sigmoid + BCE loss, backward,
Adam step) of the same three networks the TypeScript bench builds (packages/model/src/network/), on a GPU
with cuDNN autotuning (cudnn.benchmark = True, as PyTorch users run it) or on the CPU.

Prints one JSON object per model on stdout (JSON lines; schema "unet3d-pytorch-peer/1"):
  {"schema", "model", "mathMode", "device", "deviceName", "threads", "samplesMs", "medianMs", "torchVersion",
   "patch", "batch", "warmup", "iters", "parameters", "convForwardMacs", ...}
and, with --out FILE, the same rows as one JSON document {"schema", "rows": [...]} written atomically.

Usage:  python3 train_step.py --device cuda --model all --math fp32
        python3 train_step.py --device cpu --threads 2 --model strided --patch 8,32,32 --iters 3
        python3 train_step.py --describe --patch 16,64,64   # parameter counts and conv MACs, no timing
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import torch
from torch import nn

CHANNELS = {
    "baseline": (24, 32, 48, 72, 104),
    "strided": (24, 32, 48, 72, 104),
    "scaled": (24, 64, 192, 192, 192),
}
OUT_CHANNELS = 12


def conv3(cin: int, cout: int) -> nn.Conv3d:
    return nn.Conv3d(cin, cout, kernel_size=3, padding=1, bias=False)


class Block(nn.Module):
    """Three 3x3x3 convs, each followed by BN and ELU; the first conv's activated output is added to the
    third conv's output before the third BN."""

    def __init__(self, cin: int, c: int) -> None:
        super().__init__()
        self.conv1, self.bn1 = conv3(cin, c), nn.BatchNorm3d(c)
        self.conv2, self.bn2 = conv3(c, c), nn.BatchNorm3d(c)
        self.conv3, self.bn3 = conv3(c, c), nn.BatchNorm3d(c)
        self.act = nn.ELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a1 = self.act(self.bn1(self.conv1(x)))
        a2 = self.act(self.bn2(self.conv2(a1)))
        return self.act(self.bn3(self.conv3(a2) + a1))


class UpStep(nn.Module):
    """Upsample x2 (trilinear, align_corners=False), 1x1x1 conv to the level's channels, add the encoder
    output, BN, ELU, then a block."""

    def __init__(self, c_below: int, c: int) -> None:
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode="trilinear", align_corners=False)
        self.proj = nn.Conv3d(c_below, c, kernel_size=1, bias=False)
        self.bn = nn.BatchNorm3d(c)
        self.act = nn.ELU()
        self.block = Block(c, c)

    def forward(self, below: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.block(self.act(self.bn(self.proj(self.up(below)) + skip)))


class UNet3D(nn.Module):
    def __init__(self, model: str) -> None:
        super().__init__()
        c = CHANNELS[model]
        strided = model in ("strided", "scaled")
        self.embed = nn.Conv3d(
            1, c[0], kernel_size=(1, 5, 5), stride=(1, 2, 2) if strided else 1, padding=(0, 2, 2), bias=True
        )
        self.act = nn.ELU()
        self.encoder = nn.ModuleList([Block(c[0], c[0])] + [Block(c[d - 1], c[d]) for d in range(1, 5)])
        self.pool = nn.MaxPool3d(2)
        self.decoder = nn.ModuleList([UpStep(c[d + 1], c[d]) for d in range(3, -1, -1)])  # d = 3, 2, 1, 0
        if strided:
            self.head = nn.ConvTranspose3d(c[0], OUT_CHANNELS, kernel_size=(1, 2, 2), stride=(1, 2, 2))
        else:
            self.head = nn.Sequential(
                nn.Conv3d(c[0], c[0], kernel_size=(1, 5, 5), padding=(0, 2, 2), bias=True),
                nn.ELU(),
                nn.Conv3d(c[0], OUT_CHANNELS, kernel_size=1, bias=True),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.act(self.embed(x))
        skips = []
        for d, block in enumerate(self.encoder):
            if d > 0:
                h = self.pool(h)
            h = block(h)
            skips.append(h)
        for i, step in enumerate(self.decoder):
            d = 3 - i
            h = step(h, skips[d])
        return self.head(h)


SCHEMA = "unet3d-pytorch-peer/1"


def set_math_mode(mode: str) -> str:
    """fp32: no tensor cores for convolutions and matmuls (as the paper measured); tf32: allowed.
    Uses the fp32_precision API of PyTorch >= 2.9 where present (mixing it with allow_tf32 is an error there),
    else allow_tf32. Returns which API was used."""
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.deterministic = False
    conv = getattr(torch.backends.cudnn, "conv", None)
    if conv is not None and hasattr(conv, "fp32_precision"):
        precision = "tf32" if mode == "tf32" else "ieee"
        conv.fp32_precision = precision
        torch.backends.cuda.matmul.fp32_precision = precision
        return "fp32_precision"
    allow = mode == "tf32"
    torch.backends.cudnn.allow_tf32 = allow
    torch.backends.cuda.matmul.allow_tf32 = allow
    return "allow_tf32"


def conv_forward_macs(net: nn.Module, x: torch.Tensor) -> int:
    """Forward multiply-accumulates of every convolution, counted from the shapes a forward pass sees:
    a conv: output voxels x C_in x kernel volume per output channel; a transposed conv: input voxels x
    C_out x kernel volume per input channel (the convention of packages/flops)."""
    total = 0

    def hook(mod: nn.Module, inputs: tuple, out: torch.Tensor) -> None:
        nonlocal total
        kvol = 1
        for k in mod.kernel_size:
            kvol *= k
        if isinstance(mod, nn.ConvTranspose3d):
            total += inputs[0].numel() * mod.out_channels * kvol
        else:
            total += out.numel() * mod.in_channels * kvol

    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (nn.Conv3d, nn.ConvTranspose3d))]
    was_training = net.training
    net.eval()  # running statistics untouched, and no batch-statistics limit on tiny patches
    with torch.no_grad():
        net(x)
    net.train(was_training)
    for h in handles:
        h.remove()
    return total


def masked_bce(logits: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean sigmoid + binary cross-entropy over the voxels where mask = 1 (the bench's loss)."""
    per_voxel = nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="none")
    return (per_voxel * mask).sum() / mask.sum().clamp_min(1)


def make_inputs(model: nn.Module, args: argparse.Namespace, device: torch.device):
    d, h, w = args.patch
    g = torch.Generator().manual_seed(args.seed)
    x = (torch.rand(args.batch, 1, d, h, w, generator=g) * 2 - 1).to(device)
    target = (torch.rand(args.batch, OUT_CHANNELS, d, h, w, generator=g) < 0.6).float().to(device)
    mask = (torch.rand(args.batch, OUT_CHANNELS, d, h, w, generator=g) < 0.9).float().to(device)
    return x, target, mask


def describe_model(model_name: str, args: argparse.Namespace) -> dict:
    torch.manual_seed(args.seed)
    net = UNet3D(model_name).train()
    x, _, _ = make_inputs(net, args, torch.device("cpu"))
    convs = [m for m in net.modules() if isinstance(m, (nn.Conv3d, nn.ConvTranspose3d))]
    bns = [m for m in net.modules() if isinstance(m, nn.BatchNorm3d)]
    return {
        "schema": SCHEMA,
        "model": model_name,
        "patch": list(args.patch),
        "batch": args.batch,
        "parameters": sum(p.numel() for p in net.parameters()),
        "convLayers": len(convs),
        "batchNormLayers": len(bns),
        "convForwardMacs": conv_forward_macs(net, x),
        "torchVersion": torch.__version__,
    }


def time_model(model_name: str, args: argparse.Namespace) -> dict:
    cuda = args.device == "cuda"
    device = torch.device(args.device)
    row = describe_model(model_name, args)
    torch.manual_seed(args.seed)
    net = UNet3D(model_name).to(device).train()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    x, target, mask = make_inputs(net, args, device)

    def step() -> float:
        opt.zero_grad(set_to_none=True)
        loss = masked_bce(net(x), target, mask)
        loss.backward()
        opt.step()
        return loss

    for _ in range(args.warmup):  # on a GPU this includes cudnn.benchmark's algorithm search
        step()
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats(device)
    samples = []
    loss = None
    for _ in range(args.iters):
        if cuda:
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            loss = step()
            end.record()
            end.synchronize()
            samples.append(start.elapsed_time(end))
        else:
            t0 = time.perf_counter()
            loss = step()
            samples.append((time.perf_counter() - t0) * 1e3)
    measured = {
        "schema": SCHEMA,
        "model": model_name,
        "mathMode": args.math,
        "device": args.device,
        "medianMs": statistics.median(samples),
        "threads": torch.get_num_threads(),
        "deviceName": torch.cuda.get_device_name(device) if cuda else cpu_name(),
        "samplesMs": samples,
    }
    row = {
        **measured,
        **row,
        "warmup": args.warmup,
        "iters": args.iters,
        "lastLoss": float(loss) if loss is not None else None,
        "cudnnBenchmark": bool(torch.backends.cudnn.benchmark) if cuda else None,
        "cudnnVersion": torch.backends.cudnn.version() if cuda else None,
        "cudaVersion": torch.version.cuda,
        "peakMemoryBytes": torch.cuda.max_memory_allocated(device) if cuda else None,
    }
    return row


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "cpu"


def write_atomic(path: str, rows: list) -> None:
    """The rows as one JSON document: a temp file in the same folder, fsync, rename."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".peer-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf8") as f:
            json.dump({"schema": SCHEMA, "rows": rows}, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def parse_patch(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in text.replace("x", ",").split(",")]
    if len(parts) != 3 or any(p <= 0 for p in parts):
        raise argparse.ArgumentTypeError(f"patch must be D,H,W positive integers, got {text!r}")
    return parts[0], parts[1], parts[2]


def parse_maths(text: str) -> list[str]:
    modes = [m.strip() for m in text.split(",") if m.strip()]
    if not modes or any(m not in ("fp32", "tf32") for m in modes):
        raise argparse.ArgumentTypeError(f"math mode must be fp32, tf32 or fp32,tf32, got {text!r}")
    return modes


def fail(message: str) -> int:
    print(f"train_step.py: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=[*CHANNELS, "all"], default="all")
    p.add_argument("--math", type=parse_maths, default=["fp32"], help="fp32, tf32 or both: fp32,tf32")
    p.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (CPU); default torch's")
    p.add_argument("--patch", type=parse_patch, default=(64, 128, 128), help="D,H,W (default 64,128,128)")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="also write all rows as one JSON document to this file (atomically)")
    p.add_argument("--describe", action="store_true", help="print parameter counts and conv MACs only")
    args = p.parse_args(argv)
    d, h, w = args.patch
    models = list(CHANNELS) if args.model == "all" else [args.model]
    # Five levels: 2^4 for the pooling, x2 in-plane after a strided embedding (the bench's patchDivisors).
    hw = 32 if any(m != "baseline" for m in models) else 16
    if d % 16 or h % hw or w % hw:
        return fail(f"patch {d},{h},{w}: D must be a multiple of 16 and H, W of {hw} for {', '.join(models)}")
    if not args.describe and args.batch * (d // 16) * (h // hw) * (w // hw) == 1:
        # PyTorch's training-mode BatchNorm refuses a single value per channel (the bench's does not).
        return fail(f"patch {d},{h},{w} leaves 1 voxel at the deepest level; PyTorch needs more: double H and W")
    if args.threads is not None:
        if args.threads <= 0:
            return fail(f"--threads must be >= 1, got {args.threads}")
        torch.set_num_threads(args.threads)
    rows = []
    if args.describe:
        for m in models:
            rows.append(describe_model(m, args))
            print(json.dumps(rows[-1]), flush=True)
        return 0
    if args.device == "cuda":
        if not torch.cuda.is_available():
            return fail("CUDA is not available to this PyTorch; run with --device cpu or a CUDA build of torch")
    elif args.math != ["fp32"]:
        return fail(f"--math {','.join(args.math)} needs a GPU; the CPU runs fp32 only")
    for math in args.math:
        api = set_math_mode(math) if args.device == "cuda" else None
        for m in models:
            row = time_model(m, argparse.Namespace(**{**vars(args), "math": math}))
            row["mathApi"] = api
            rows.append(row)
            print(json.dumps(row), flush=True)
            if args.out:  # after every row, so a run stopped by a time box keeps the rows it finished
                write_atomic(args.out, rows)
            if args.device == "cuda":
                torch.cuda.empty_cache()
    return 0


if __name__ == "__main__":
    sys.exit(main())
