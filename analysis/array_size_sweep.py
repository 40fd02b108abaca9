#!/usr/bin/python3
"""A sweep of PE-array sizes through the Python package: latency, energy and area of each
workload on a base accelerator whose array is resized (square, rows = cols), simulated in
worker processes, written as CSV and plotted.

    make python
    PYTHONPATH=build/python /usr/bin/python3 analysis/array_size_sweep.py \
        --arch mobile --workloads resnet50,bert-base --sizes 8,16,32,64,128 --out runs/array-sweep

Writes OUT/array_sweep.csv (one row per workload and size) and OUT/array_sweep.png.
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import duet  # noqa: E402


def sweep(arch, workloads, sizes, workers):
    base = duet.load_config(arch)
    requests, keys = [], []
    for workload in workloads:
        for size in sizes:
            config = dict(base, name=f"{base['name']}-{size}x{size}")
            config["pe_array"] = dict(base["pe_array"], rows=size, cols=size)
            requests.append({"arch": config, "workload": workload})
            keys.append((workload, size))
    results = duet.simulate_many(requests, workers=workers, progress=True)
    rows = []
    for (workload, size), r in zip(keys, results):
        s = r.summary
        rows.append({"workload": workload, "pe_rows": size, "pe_cols": size,
                     "cycles": s["cycles"], "latency_s": s["latency_s"],
                     "energy_j": s["energy_j"], "area_mm2": s["area_mm2"],
                     "edp_j_s": s["latency_s"] * s["energy_j"]})
    return pd.DataFrame(rows)


def plot(df, path):
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    for workload, group in df.groupby("workload", sort=False):
        for ax, column in zip(axes, ("latency_s", "energy_j", "edp_j_s")):
            ax.plot(group["pe_rows"], group[column], marker="o", label=workload)
    for ax, label in zip(axes, ("latency (s)", "energy (J)", "EDP (J·s)")):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("PE array (rows = cols)")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", default="mobile", help="base accelerator (name or path)")
    parser.add_argument("--workloads", default="resnet50,bert-base",
                        help="comma-separated zoo names or files")
    parser.add_argument("--sizes", default="8,16,32,64,128", help="array sides to sweep")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="worker processes")
    parser.add_argument("--out", required=True, help="output directory")
    args = parser.parse_args()
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s]
    except ValueError:
        sys.exit(f"array_size_sweep.py: --sizes: expected integers, got {args.sizes!r}")
    os.makedirs(args.out, exist_ok=True)
    try:
        df = sweep(args.arch, [w for w in args.workloads.split(",") if w], sizes, args.workers)
    except duet.InputError as e:
        print(f"array_size_sweep.py: error: {e}", file=sys.stderr)
        sys.exit(2)
    csv = os.path.join(args.out, "array_sweep.csv")
    df.to_csv(csv, index=False)
    plot(df, os.path.join(args.out, "array_sweep.png"))
    print(df.to_string(index=False))
    print(f"wrote {csv} and array_sweep.png", file=sys.stderr)


if __name__ == "__main__":
    main()
