#!/usr/bin/python3
"""Figures of a co-exploration study (`duet explore`): test accuracy against simulated EDP and
against latency for the co-search and every baseline, and the evolution of the architecture
(alpha) and hardware (beta) probabilities during one co-search point.

    build/cli/duet explore --study configs/studies/cnn-fmnist-edp.json --out runs/cnn-edp
    /usr/bin/python3 analysis/pareto.py runs/cnn-edp docs/figures/cnn-edp-pareto.png \
        [--evolution docs/figures/cnn-edp-evolution.png --point 01-coexplore]
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

STYLE = {"coexplore": ("o", "tab:red", "co-exploration (DANCE)"),
         "accuracy-first": ("s", "tab:blue", "two-stage, accuracy first"),
         "hw-aware-nas-mobile": ("^", "tab:green", "HW-aware NAS on mobile, then HW"),
         "random": ("x", "tab:gray", "random co-search"),
         "exhaustive": ("D", "tab:green", "exhaustive hardware search (fixed workload)")}


def pareto_figure(summary, path):
    # A fixed workload without a recast report has no accuracy: nothing to place on this axis.
    entries = [e for e in summary["points"] + summary["baselines"] if e["accuracy"] is not None]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, metric, label in ((axes[0], "edp_js", "simulated EDP (J·s)"),
                              (axes[1], "latency_s", "simulated latency (s)")):
        for kind, (marker, color, name) in STYLE.items():
            pts = [e for e in entries if e["kind"] == kind]
            if not pts:
                continue
            ax.scatter([e["simulated"][metric] for e in pts], [100 * e["accuracy"] for e in pts],
                       marker=marker, color=color, label=name, s=45)
            for e in pts:
                # vit studies: the SFU the design computes GELU, Softmax and LayerNorm with.
                sfu = f" {e['approximation']}" if e.get("approximation") else ""
                ax.annotate(f"λ={e['lambda']:g}{sfu}",
                            (e["simulated"][metric], 100 * e["accuracy"]),
                            fontsize=7, xytext=(3, 3), textcoords="offset points")
        ax.set_xscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel("test accuracy (%)")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    # Above the floor fixed in advance (#22) when the summary has it, else the study's reference.
    volumes = summary.get("comparison", {}).get("hypervolume_above_floor", summary["hypervolume"])
    hv = ", ".join(f"{k} {v:.3f}" for k, v in volumes.items())
    fig.suptitle(f"{summary['study']}: hypervolume (accuracy × log10 EDP) {hv}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=130)


def evolution_figure(log_path, path, title):
    log = pd.read_csv(log_path)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, prefix in ((axes[0], "alpha:"), (axes[1], "beta:")):
        columns = [c for c in log.columns if c.startswith(prefix)]
        groups = {}
        for c in columns:
            groups.setdefault(c[len(prefix):].split("=")[0], []).append(c)
        for name, cols in groups.items():
            final = max(cols, key=lambda c: log[c].iloc[-1])
            ax.plot(log["step"], log[final], label=f"{name}={final.split('=')[1]}")
        ax.set_xlabel("search step")
        ax.set_ylabel("probability of the final choice")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6, ncol=2)
    axes[0].set_title("architecture (alpha)", fontsize=9)
    axes[1].set_title("hardware (beta)", fontsize=9)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=130)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="a study's --out directory")
    parser.add_argument("plot", help="Pareto figure (PNG, PDF or SVG)")
    parser.add_argument("--evolution", help="alpha/beta evolution figure")
    parser.add_argument("--point", help="the co-search point for --evolution (default: first)")
    args = parser.parse_args()
    try:
        with open(os.path.join(args.out, "summary.json")) as f:
            summary = json.load(f)
        pareto_figure(summary, args.plot)
        if args.evolution:
            points = [p for p in summary["points"] if "search_log" in p]
            point = next((p for p in points if p["id"] == args.point), None) if args.point \
                else (points[0] if points else None)
            if point is None:
                sys.exit(f"pareto.py: {args.out}: no co-search point {args.point or ''}")
            evolution_figure(os.path.join(args.out, point["search_log"]), args.evolution,
                             f"{summary['study']} {point['id']} (λ={point['lambda']:g})")
    except (OSError, KeyError, ValueError) as e:
        sys.exit(f"pareto.py: {e}")


if __name__ == "__main__":
    main()
