#!/usr/bin/env python3
"""Writes configs/tech/<node>nm.json from the published anchors in ../shared/REFERENCE.md.

45 nm values come from Horowitz (ISSCC 2014) where he gives them; the other nodes are scaled
with the Stillmaker & Baas (Integration, 2017) energy polynomials and area factors. Every entry
keeps its source string, so a reader can trace each number. Run from the repository root:

    python3 scripts/make-tech-tables.py
"""
import json
import math
import os

HOROWITZ = "Horowitz, 'Computing's energy problem', ISSCC 2014 (45 nm, 0.9 V)"
SB = "Stillmaker & Baas, Integration 58 (2017)"

# Stillmaker & Baas energy polynomial coefficients E(V) = e2 V^2 + e1 V + e0 (their Table,
# high-performance devices from 45 nm down) and the supply voltage used at each node.
SB_ENERGY = {
    65: ((3.755, -4.398, 1.975), 1.0),
    45: ((1.018, -0.3107, 0.1539), 0.9),
    32: ((0.8367, -0.4341, 0.1701), 0.9),
    20: ((0.373, -0.1582, 0.04104), 0.9),
    16: ((0.2958, -0.1241, 0.03024), 0.8),
    7: ((0.1776, -0.09097, 0.02447), 0.7),
}
# Stillmaker & Baas area ratios: area at node X = area at 45 nm / SB_AREA_FROM_45[X].
SB_AREA_FROM_45 = {65: 0.66, 45: 1.0, 32: 2.2, 20: 4.7, 16: 5.3, 7: 17.0}


def sb_energy(node):
    (e2, e1, e0), v = SB_ENERGY[node]
    return e2 * v * v + e1 * v + e0


def interpolate(node, lo, hi, f):
    """Log-log interpolation between two S&B nodes (28 nm is not one of theirs)."""
    t = math.log(lo / node) / math.log(lo / hi)
    return math.exp(math.log(f(lo)) + t * (math.log(f(hi)) - math.log(f(lo))))


def energy_factor(node):
    if node in SB_ENERGY:
        return sb_energy(node) / sb_energy(45)
    return interpolate(node, 32, 20, lambda n: sb_energy(n) / sb_energy(45))


def area_factor(node):
    if node in SB_AREA_FROM_45:
        return 1.0 / SB_AREA_FROM_45[node]
    return interpolate(node, 32, 20, lambda n: 1.0 / SB_AREA_FROM_45[n])


def entry(value, unit, source):
    return {"value": round(value, 6), "unit": unit, "source": source}


# 45 nm anchors. int16 multiply is not in Horowitz's table: geometric mean of his 8- and
# 32-bit multipliers (a multiplier's cost grows between linearly and quadratically in width).
BASE_ENERGY = {
    "int8_add": (0.03, HOROWITZ),
    "int16_add": (0.05, HOROWITZ),
    "int32_add": (0.1, HOROWITZ),
    "fp16_add": (0.4, HOROWITZ),
    "fp32_add": (0.9, HOROWITZ),
    "int8_mult": (0.2, HOROWITZ),
    "int16_mult": (math.sqrt(0.2 * 3.1), "geometric mean of Horowitz's int8 and int32 multiply"),
    "int32_mult": (3.1, HOROWITZ),
    "fp16_mult": (1.1, HOROWITZ),
    "fp32_mult": (3.7, HOROWITZ),
}
BASE_AREA = {
    "int8_add": (36, HOROWITZ),
    "int16_add": (67, HOROWITZ),
    "int32_add": (137, HOROWITZ),
    "fp16_add": (1360, HOROWITZ),
    "fp32_add": (4184, HOROWITZ),
    "int8_mult": (282, HOROWITZ),
    "int16_mult": (math.sqrt(282 * 3495), "geometric mean of Horowitz's int8 and int32 multiply"),
    "int32_mult": (3495, HOROWITZ),
    "fp16_mult": (1640, HOROWITZ),
    "fp32_mult": (7700, HOROWITZ),
}

# SRAM read energy for a 64-bit access, E = a * KiB^b, least-squares fit in log space to
# Horowitz's 8 KB (10 pJ), 32 KB (20 pJ) and 1 MB (100 pJ) points.
SRAM_POINTS = [(8, 10.0), (32, 20.0), (1024, 100.0)]


def fit_sram():
    xs = [math.log(k) for k, _ in SRAM_POINTS]
    ys = [math.log(e) for _, e in SRAM_POINTS]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return math.exp(my - b * mx), b


def table(node):
    ef = 1.0 if node == 45 else energy_factor(node)
    af = 1.0 if node == 45 else area_factor(node)
    scaled = "" if node == 45 else f"; scaled to {node} nm by {SB} (energy x{ef:.4f}, area x{af:.4f})"
    if node == 28:
        scaled += " -- 28 nm is log-interpolated between S&B's 32 and 20 nm"
    a, b = fit_sram()
    energy = {k: entry(v * ef, "pJ", s + scaled) for k, (v, s) in BASE_ENERGY.items()}
    area = {k: entry(v * af, "um2", s + scaled) for k, (v, s) in BASE_AREA.items()}
    # Eyeriss (Chen et al., ISCA 2016) normalises access energy to one MAC: register file 1x,
    # PE-to-PE 2x. We apply the ratios to an int8 MAC (mult + add) per byte moved.
    mac8 = (0.2 + 0.03) * ef
    energy["register_file_access_per_byte"] = entry(
        mac8, "pJ", "Eyeriss relative cost RF = 1x MAC (Chen et al., ISCA 2016), int8 MAC" + scaled)
    energy["pe_to_pe_per_byte"] = entry(
        2 * mac8, "pJ", "Eyeriss relative cost PE-to-PE = 2x MAC (Chen et al., ISCA 2016)" + scaled)
    # The DMA's on-chip move of one byte: an assumption of one int8 add per byte of control and
    # address generation; small next to the buffer and DRAM access it accompanies.
    energy["dma_per_byte"] = entry(0.03 * ef, "pJ", "assumption: one int8 add per byte" + scaled)

    # The 600-lambda^2 rule is itself a function of the node, so it is applied at each node
    # directly rather than scaled from 45 nm.
    sram_bit = 600 * (node / 1000.0) ** 2  # um2 per bit
    return {
        "node_nm": node,
        "description": f"Technology table for {node} nm. Regenerate with scripts/make-tech-tables.py.",
        "energy": energy,
        "area": area | {
            "register_file_per_byte": entry(
                8 * 2 * sram_bit, "um2",
                "assumption: a flip-flop register-file bit is 2x an SRAM bit (600 lambda^2 at "
                f"{node} nm)"),
            "pe_control": entry(
                0.25 * (282 + 137) * af, "um2",
                "assumption: pipeline registers and control add 25% of an int8 multiplier + int32 adder"
                + scaled),
        },
        "sram": {
            "read_energy_64b_coefficient": entry(a * ef, "pJ", f"fit E = a * KiB^b to {HOROWITZ} SRAM points "
                                                 f"{SRAM_POINTS}" + scaled),
            "read_energy_64b_exponent": entry(b, "1", "same fit"),
            "write_to_read_energy_ratio": entry(1.0, "1", "assumption: writes cost as much as reads"),
            "area_per_bit": entry(sram_bit, "um2",
                                  "rule of thumb: 600 lambda^2 per SRAM bit including periphery, "
                                  f"lambda = {node} nm (D. J. Greaves, Cambridge SoC notes, from "
                                  "CACTI)"),
        },
        "dram_energy_per_bit": {
            "ddr3": entry(20.0, "pJ", "Han et al., ISCA 2016: 640 pJ per 32-bit DRAM access"),
            "ddr4": entry(15.0, "pJ", "assumption: between DDR3 (Han et al.) and LPDDR4 (Accelergy)"),
            "lpddr4": entry(8.0, "pJ", "Accelergy's LPDDR4 default"),
            "hbm2": entry(3.9, "pJ", "O'Connor et al., MICRO 2017 (fine-grained DRAM): HBM2 3.9 pJ/bit"),
        },
        "leakage_power_density": entry(
            0.02 * (ef / af if node != 45 else 1.0), "W/mm2",
            "assumption: 0.02 W/mm2 at 45 nm (order of magnitude for general-purpose logic); other "
            "nodes scale as energy/area" if node != 45 else
            "assumption: 0.02 W/mm2 at 45 nm (order of magnitude for general-purpose logic)"),
        "overheads": {
            "dma_control_area_fraction": entry(0.05, "1", "assumption: DMA engines and controller, "
                                               "5% of PE array + buffer + SFU"),
            "interconnect_area_fraction": entry(0.10, "1", "assumption: on-chip interconnect "
                                                "allowance, 10% of PE array + buffer + SFU"),
        },
    }


def main():
    out = os.path.join(os.path.dirname(__file__), "..", "configs", "tech")
    for node in (65, 45, 28, 16, 7):
        with open(os.path.join(out, f"{node}nm.json"), "w") as f:
            json.dump(table(node), f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
