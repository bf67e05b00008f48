#!/usr/bin/env python3
"""PyTorch peer for unet3d-bench: times one training iteration (forward, backward, Adam step) of the same
three networks the TypeScript bench builds, with cuDNN autotuning (cudnn.benchmark) as PyTorch users run it.

Prints one JSON object per model on stdout:
  {"model", "mathMode", "medianMs", "samplesMs", "torchVersion", "cudnnVersion", "gpu", ...}

Usage (on a GPU node):  python3 train_step.py --model all --math fp32
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys

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


def set_math_mode(mode: str) -> None:
    allow = mode == "tf32"
    torch.backends.cudnn.allow_tf32 = allow
    torch.backends.cuda.matmul.allow_tf32 = allow
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.deterministic = False


def time_model(model_name: str, args: argparse.Namespace) -> dict:
    device = torch.device("cuda")
    torch.manual_seed(args.seed)
    net = UNet3D(model_name).to(device).train()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    loss_fn = nn.BCEWithLogitsLoss()
    d, h, w = args.patch
    x = torch.randn(args.batch, 1, d, h, w, device=device)
    target = (torch.rand(args.batch, OUT_CHANNELS, d, h, w, device=device) > 0.5).float()

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), target)
        loss.backward()
        opt.step()

    for _ in range(args.warmup):  # includes the cudnn.benchmark algorithm search
        step()
    torch.cuda.synchronize()
    samples = []
    for _ in range(args.iters):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        step()
        end.record()
        end.synchronize()
        samples.append(start.elapsed_time(end))
    return {
        "model": model_name,
        "mathMode": args.math,
        "medianMs": statistics.median(samples),
        "samplesMs": samples,
        "torchVersion": torch.__version__,
        "cudnnVersion": torch.backends.cudnn.version(),
        "cudaVersion": torch.version.cuda,
        "gpu": torch.cuda.get_device_name(device),
        "patch": list(args.patch),
        "batch": args.batch,
        "warmup": args.warmup,
        "iters": args.iters,
        "parameters": sum(p.numel() for p in net.parameters()),
        "peakMemoryBytes": torch.cuda.max_memory_allocated(device),
    }


def parse_patch(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in text.replace("x", ",").split(",")]
    if len(parts) != 3 or any(p <= 0 for p in parts):
        raise argparse.ArgumentTypeError(f"patch must be D,H,W positive integers, got {text!r}")
    return parts[0], parts[1], parts[2]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=[*CHANNELS, "all"], default="all")
    p.add_argument("--math", choices=["fp32", "tf32"], default="fp32")
    p.add_argument("--patch", type=parse_patch, default=(64, 128, 128), help="D,H,W (default 64,128,128)")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if not torch.cuda.is_available():
        print(json.dumps({"error": "CUDA is not available to PyTorch"}), file=sys.stderr)
        return 2
    set_math_mode(args.math)
    models = list(CHANNELS) if args.model == "all" else [args.model]
    for m in models:
        print(json.dumps(time_model(m, args)), flush=True)
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    return 0


if __name__ == "__main__":
    sys.exit(main())
