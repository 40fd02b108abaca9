#!/usr/bin/python3
"""Sequential vs overlap schedules (issue #13's evidence): latency, SFU share of cycles and
exposed SFU share for BERT-base at several sequence lengths and ViT-B/16 with each SFU kind, and
for ResNet-50 and MobileNetV2, on the mobile and cloud accelerators. Writes a CSV and prints a
Markdown table.

    python3 analysis/schedule_table.py --duet build/cli/duet --csv runs/schedule-table.csv
"""
import argparse
import csv
import json
import os
import subprocess
import tempfile

TRANSFORMERS = [("bert-base", 128), ("bert-base", 512), ("bert-base", 2048), ("vit-b16", None)]
CNNS = ["resnet50", "mobilenet_v2"]
KINDS = ["exact", "nnlut", "ibert"]


def simulate(duet, arch, workload, seq, kind, schedule, tmp):
    out = os.path.join(tmp, "r.json")
    cmd = [duet, "sim", "--arch", arch, "--workload", workload, "--schedule", schedule, "--out", out]
    if seq:
        cmd += ["--seq-len", str(seq)]
    if kind:
        cmd += ["--nonlinear", kind]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return json.load(f)["summary"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duet", default="build/cli/duet")
    p.add_argument("--csv", default="runs/schedule-table.csv")
    args = p.parse_args()
    cases = [(w, s, k) for w, s in TRANSFORMERS for k in KINDS] + [(w, None, None) for w in CNNS]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for arch in ["mobile", "cloud"]:
            for workload, seq, kind in cases:
                seq_r = simulate(args.duet, arch, workload, seq, kind, "sequential", tmp)
                ov_r = simulate(args.duet, arch, workload, seq, kind, "overlap", tmp)
                rows.append({
                    "arch": arch,
                    "workload": workload + (f" seq {seq}" if seq else ""),
                    "sfu_kind": kind or "exact",
                    "sequential_latency_s": seq_r["latency_s"],
                    "overlap_latency_s": ov_r["latency_s"],
                    "speedup": seq_r["cycles"] / ov_r["cycles"],
                    "sfu_cycle_share": seq_r["sfu_cycle_share"],
                    "overlap_exposed_sfu_share": ov_r["exposed_sfu_share"],
                    "overlap_hidden_sfu_fraction":
                        1 - ov_r["exposed_sfu_cycles"] / max(1, ov_r["sfu_cycles"]),
                })
    os.makedirs(os.path.dirname(args.csv) or ".", exist_ok=True)
    with open(args.csv + ".tmp", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    os.replace(args.csv + ".tmp", args.csv)
    print("| arch | workload | SFU | sequential (ms) | overlap (ms) | speed-up | SFU share "
          "(sequential) | exposed SFU share (overlap) | SFU time hidden |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['arch']} | {r['workload']} | {r['sfu_kind']} | "
              f"{1e3 * r['sequential_latency_s']:.3f} | {1e3 * r['overlap_latency_s']:.3f} | "
              f"{r['speedup']:.3f}x | {100 * r['sfu_cycle_share']:.1f}% | "
              f"{100 * r['overlap_exposed_sfu_share']:.1f}% | "
              f"{100 * r['overlap_hidden_sfu_fraction']:.1f}% |")


if __name__ == "__main__":
    main()
