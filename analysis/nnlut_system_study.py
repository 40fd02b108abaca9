#!/usr/bin/python3
"""NN-LUT system study: BERT-base on the mobile accelerator at several sequence lengths, once per
SFU kind (exact, nnlut, ibert) with equal lanes. Writes a CSV and a plot.

    python3 analysis/nnlut_system_study.py --duet build/cli/duet \
        --csv data/nnlut-system-study.csv --plot data/nnlut-system-study.png
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

KINDS = ["exact", "ibert", "nnlut"]
SEQS = [16, 64, 128, 256, 512, 1024]


def run(duet, arch, seq, kind, tmp):
    out = os.path.join(tmp, f"{kind}-{seq}.json")
    subprocess.run([duet, "sim", "--arch", arch, "--workload", "bert-base", "--seq-len", str(seq),
                    "--nonlinear", kind, "--out", out], check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        r = json.load(f)
    s = r["summary"]
    return {
        "seq_len": seq,
        "sfu_kind": kind,
        "cycles": s["cycles"],
        "latency_s": s["latency_s"],
        "sfu_cycles": s["sfu_cycles"],
        "sfu_cycle_share": s["sfu_cycle_share"],
        "sfu_energy_j": r["energy_breakdown_j"]["sfu"],
        "sfu_area_mm2": r["area_breakdown_mm2"]["sfu"],
        "energy_j": s["energy_j"],
    }


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for kind in KINDS:
        mine = sorted((r for r in rows if r["sfu_kind"] == kind), key=lambda r: r["seq_len"])
        seqs = [r["seq_len"] for r in mine]
        axes[0].plot(seqs, [100 * r["sfu_cycle_share"] for r in mine], marker="o", label=kind)
        axes[1].plot(seqs, [1e3 * r["latency_s"] for r in mine], marker="o", label=kind)
        axes[2].plot(seqs, [1e3 * r["sfu_energy_j"] for r in mine], marker="o", label=kind)
    titles = ["SFU share of cycles (%)", "BERT-base latency (ms)", "SFU energy (mJ)"]
    for ax, title in zip(axes, titles):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("sequence length")
        ax.set_title(title)
        ax.grid(alpha=0.3)
    axes[1].set_yscale("log")
    axes[2].set_yscale("log")
    axes[0].legend()
    areas = {r["sfu_kind"]: r["sfu_area_mm2"] for r in rows}
    fig.suptitle("BERT-base on mobile (32x32, 32 SFU lanes); SFU area: " +
                 ", ".join(f"{k} {areas[k]:.3f} mm2" for k in KINDS))
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duet", default="build/cli/duet")
    p.add_argument("--arch", default="configs/accel/mobile.json")
    p.add_argument("--csv", default="data/nnlut-system-study.csv")
    p.add_argument("--plot", default="data/nnlut-system-study.png")
    args = p.parse_args()
    os.makedirs(os.path.dirname(args.csv) or ".", exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seq in SEQS:
            for kind in KINDS:
                rows.append(run(args.duet, args.arch, seq, kind, tmp))
                print(f"seq {seq:5d} {kind:6s} cycles {rows[-1]['cycles']:>12d} "
                      f"SFU share {100 * rows[-1]['sfu_cycle_share']:5.1f}%", file=sys.stderr)
    tmp_csv = args.csv + ".tmp"
    with open(tmp_csv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp_csv, args.csv)
    plot(rows, args.plot)
    print(f"wrote {args.csv} and {args.plot}")


if __name__ == "__main__":
    main()
