#!/usr/bin/env python3
"""Check that the PyTorch peer builds the same networks as the bench: for each `unet3d flops --json` file
given, the peer's parameter count, number of convolutions and forward conv MACs at the same patch and batch
must equal the bench's. Prints one line per model; exit 1 on any mismatch, 2 on bad input.

Usage:  pnpm --silent unet3d flops --model strided --input 16,64,64 --json > strided.json
        python3 compare_shapes.py strided.json [baseline.json ...]
"""
from __future__ import annotations

import argparse
import json
import sys

import train_step


def ours(path: str) -> dict:
    with open(path, encoding="utf8") as f:
        d = json.load(f)
    convs = [layer for layer in d["layers"] if layer["op"] == "conv"]
    return {
        "model": d["model"],
        "patch": tuple(d["input"]),
        "batch": d["batch"],
        "parameters": sum(layer["params"] for layer in d["layers"]),
        "convLayers": len(convs),
        "convForwardMacs": sum(layer["forwardMacs"] for layer in convs),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("flops_json", nargs="+")
    args = p.parse_args(argv)
    bad = 0
    for path in args.flops_json:
        try:
            o = ours(path)
        except (OSError, KeyError, ValueError) as e:
            print(f"compare_shapes.py: cannot read {path}: {e}", file=sys.stderr)
            return 2
        peer_args = argparse.Namespace(patch=o["patch"], batch=o["batch"], seed=0)
        peer = train_step.describe_model(o["model"], peer_args)
        diffs = [k for k in ("parameters", "convLayers", "convForwardMacs") if peer[k] != o[k]]
        status = "MISMATCH " + ",".join(diffs) if diffs else "same"
        print(
            f"{o['model']}: {status}: parameters {peer['parameters']} (bench {o['parameters']}), "
            f"convs {peer['convLayers']} ({o['convLayers']}), forward conv MACs {peer['convForwardMacs']} "
            f"({o['convForwardMacs']}) at patch {','.join(map(str, o['patch']))} batch {o['batch']}"
        )
        bad += bool(diffs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
