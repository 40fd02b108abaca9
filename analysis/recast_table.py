#!/usr/bin/env python3
"""Markdown table of `duet recast` reports (docs/recasting.md).

usage: analysis/recast_table.py student-plain/report.json student-slim/report.json ...
"""
import json
import sys


def pct(x):
    return "-" if x is None else f"{100 * x:.2f}"


def sim(cost, size, field, scale, unit):
    s = cost[size].get("sim")
    return "-" if s is None else f"{s[field] * scale:.3f} {unit}"


def main(paths):
    rows = []
    header = ("| network | accuracy % | params | MACs 28x28 | layers (PE) | latency 28x28 | "
              "energy 28x28 | MACs 224x224 | latency 224x224 | energy 224x224 |")
    rows.append(header)
    rows.append("|" + "---|" * (header.count("|") - 1))
    seen_teachers = set()
    summary = []
    for path in paths:
        with open(path) as f:
            r = json.load(f)
        t, s = r["teacher"], r["student"]
        size28 = next(k for k in t["cost"] if k.startswith("input_"))
        for label, net, acc in (
            (f"teacher {t['name']}", t, t["accuracy"]),
            (f"student {r['plan']}", s, s["accuracy_after_finetuning"]),
        ):
            if label in seen_teachers:
                continue
            seen_teachers.add(label)
            c = net["cost"]
            rows.append(
                f"| {label} | {pct(acc)} | {net['parameters']:,} | {c[size28]['macs'] / 1e6:.2f}M | "
                f"{c[size28]['layers']} ({c[size28]['compute_layers']}) | "
                f"{sim(c, size28, 'latency_s', 1e6, 'us')} | {sim(c, size28, 'energy_j', 1e6, 'uJ')} | "
                f"{c['imagenet_224']['macs'] / 1e9:.3f}G | "
                f"{sim(c, 'imagenet_224', 'latency_s', 1e3, 'ms')} | "
                f"{sim(c, 'imagenet_224', 'energy_j', 1e3, 'mJ')} |")
        ratio28 = r["teacher_over_student"][size28]
        ratio224 = r["teacher_over_student"]["imagenet_224"]
        base = r.get("baseline", {})
        summary.append(
            f"| {r['plan']} | {pct(t['accuracy'])} | {pct(s['accuracy_after_recasting'])} | "
            f"{pct(s['accuracy_after_finetuning'])} | "
            f"{pct(base.get('accuracy'))} ({base.get('kind', '-')}, {base.get('epochs', '-')} ep) | "
            f"{ratio28['mac_ratio']:.2f}x / {ratio28.get('speedup', float('nan')):.2f}x | "
            f"{ratio224['mac_ratio']:.2f}x / {ratio224.get('speedup', float('nan')):.2f}x | "
            f"{ratio28.get('energy_ratio', float('nan')):.2f}x | "
            f"{sum(r['seconds'].values()):.0f} s |")
    print("\n".join(rows))
    print()
    print("| plan | teacher % | recast % | fine-tuned % | baseline % | MAC ratio / speedup 28x28 | "
          "MAC ratio / speedup 224x224 | energy ratio 28x28 | train time |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(summary))


if __name__ == "__main__":
    main(sys.argv[1:])
