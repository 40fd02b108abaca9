#!/usr/bin/python3
"""Parity plot of the neural evaluator: simulated truth against prediction, one panel per
target, on log axes with the y = x line and a +-3% band.

    build/cli/duet evaluator test --model models/cnn-eval --data data/cnn-holdout.csv \
        --predictions data/cnn-holdout-predictions.csv
    /usr/bin/python3 analysis/evaluator_parity.py data/cnn-holdout-predictions.csv data/evaluator-parity.png
"""
import argparse
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

TARGETS = [("latency_s", "latency (s)"), ("energy_j", "energy (J)"),
           ("area_mm2", "area (mm²)"), ("avg_power_w", "average power (W)")]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("predictions", help="CSV from `duet evaluator test --predictions`")
    parser.add_argument("plot", help="output image (PNG, PDF or SVG)")
    args = parser.parse_args()
    try:
        df = pd.read_csv(args.predictions)
    except (OSError, pd.errors.ParserError) as e:
        sys.exit(f"{args.predictions}: {e}")
    missing = [f"{t}_{s}" for t, _ in TARGETS for s in ("true", "predicted")
               if f"{t}_{s}" not in df.columns]
    if missing:
        print(f"{args.predictions}: missing columns {', '.join(missing)}", file=sys.stderr)
        sys.exit(2)

    fig, axes = plt.subplots(1, 4, figsize=(16, 4.2))
    for ax, (target, label) in zip(axes, TARGETS):
        truth, pred = df[f"{target}_true"].to_numpy(), df[f"{target}_predicted"].to_numpy()
        ape = 100 * np.abs(pred - truth) / truth
        rho = pd.Series(truth).corr(pd.Series(pred), method="spearman")
        ax.scatter(truth, pred, s=4, alpha=0.4)
        lo, hi = min(truth.min(), pred.min()), max(truth.max(), pred.max())
        line = np.array([lo, hi])
        ax.plot(line, line, "k-", lw=0.8)
        ax.plot(line, 1.03 * line, "k:", lw=0.6)
        ax.plot(line, line / 1.03, "k:", lw=0.6)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(f"simulated {label}")
        ax.set_ylabel(f"predicted {label}")
        ax.set_title(f"MAPE {ape.mean():.2f}%  max {ape.max():.1f}%  ρ {rho:.4f}", fontsize=10)
    fig.suptitle(f"Evaluator parity on {len(df)} samples (dotted: ±3%)")
    fig.tight_layout()
    fig.savefig(args.plot, dpi=120)
    print(f"wrote {args.plot}")


if __name__ == "__main__":
    main()
