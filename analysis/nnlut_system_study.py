#!/usr/bin/python3
"""NN-LUT system study: BERT-base on the mobile accelerator at several sequence lengths, once per
SFU kind (exact, nnlut, ibert) with equal lanes, under both schedules (sequential: every SFU
cycle exposed; overlap: SFU work may hide under the PE array). Writes a CSV and a plot.

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
SCHEDULES = ["sequential", "overlap"]
SEQS = [16, 64, 128, 256, 512, 1024]


def run(duet, arch, seq, kind, schedule, tmp):
    out = os.path.join(tmp, f"{kind}-{seq}-{schedule}.json")
    subprocess.run([duet, "sim", "--arch", arch, "--workload", "bert-base", "--seq-len", str(seq),
                    "--nonlinear", kind, "--schedule", schedule, "--out", out], check=True,
                   stdout=subprocess.DEVNULL)
    with open(out) as f:
        r = json.load(f)
    s = r["summary"]
    return {
        "seq_len": seq,
        "sfu_kind": kind,
        "schedule": schedule,
        "cycles": s["cycles"],
        "latency_s": s["latency_s"],
        "sfu_cycles": s["sfu_cycles"],
        "sfu_cycle_share": s["sfu_cycle_share"],
        "exposed_sfu_cycles": s["exposed_sfu_cycles"],
        "exposed_sfu_share": s["exposed_sfu_share"],
        "sfu_energy_j": r["energy_breakdown_j"]["sfu"],
        "sfu_area_mm2": r["area_breakdown_mm2"]["sfu"],
        "energy_j": s["energy_j"],
    }


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(17, 3.8))
    for kind in KINDS:
        for schedule, style in zip(SCHEDULES, ["-", "--"]):
            mine = sorted((r for r in rows if r["sfu_kind"] == kind and r["schedule"] == schedule),
                          key=lambda r: r["seq_len"])
            seqs = [r["seq_len"] for r in mine]
            label = f"{kind}, {schedule}"
            color = {"exact": "C0", "ibert": "C1", "nnlut": "C2"}[kind]
            if schedule == "sequential":
                axes[0].plot(seqs, [100 * r["sfu_cycle_share"] for r in mine], style, marker="o",
                             color=color, label=kind)
                axes[3].plot(seqs, [1e3 * r["sfu_energy_j"] for r in mine], style, marker="o",
                             color=color, label=kind)
            axes[1].plot(seqs, [100 * r["exposed_sfu_share"] for r in mine], style, marker="o",
                         color=color, label=label)
            axes[2].plot(seqs, [1e3 * r["latency_s"] for r in mine], style, marker="o",
                         color=color, label=label)
    titles = ["SFU share of cycles (%)", "exposed SFU share (%)", "BERT-base latency (ms)",
              "SFU energy (mJ)"]
    for ax, title in zip(axes, titles):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("sequence length")
        ax.set_title(title)
        ax.grid(alpha=0.3)
    axes[2].set_yscale("log")
    axes[3].set_yscale("log")
    axes[1].legend(fontsize=7)
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
                for schedule in SCHEDULES:
                    rows.append(run(args.duet, args.arch, seq, kind, schedule, tmp))
                    r = rows[-1]
                    print(f"seq {seq:5d} {kind:6s} {schedule:10s} cycles {r['cycles']:>12d} "
                          f"SFU share {100 * r['sfu_cycle_share']:5.1f}% exposed "
                          f"{100 * r['exposed_sfu_share']:5.1f}%", file=sys.stderr)
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
