#pragma once
// Per-technology-node energy and area numbers (configs/tech/<node>nm.json, docs/cost-model.md).
// Every value in the file carries a unit and a source; values are converted to pJ, um2 and
// W/mm2 on load.
#include <map>
#include <string>
#include <vector>

namespace duet {

struct TechTable {
  std::string path;
  int node_nm = 0;
  std::map<std::string, double> energy_pj;  // per action (adders, multipliers, per-byte moves)
  std::map<std::string, double> area_um2;   // per component
  double sram_read_64b_coefficient_pj = 0;  // E(64-bit read) = a * KiB^b
  double sram_read_64b_exponent = 0;
  double sram_write_to_read_ratio = 1;
  double sram_area_um2_per_bit = 0;
  std::map<std::string, double> dram_pj_per_bit;  // by DRAM kind
  double leakage_w_per_mm2 = 0;
  double dma_control_area_fraction = 0;
  double interconnect_area_fraction = 0;

  double energy(const std::string& key) const { return energy_pj.at(key); }
  double area(const std::string& key) const { return area_um2.at(key); }
  // Energy of one access to an SRAM bank of `kib` KiB, `width_bits` wide.
  double sram_access_pj(double kib, double width_bits) const;
};

// Throws InputError naming the file and key for missing keys, negative values, unknown units
// or a missing source.
TechTable load_tech_table(const std::string& path);
// The shipped table for a node; an unknown node gets the list of available ones.
TechTable shipped_tech_table(int node_nm);
std::vector<int> available_tech_nodes();

}  // namespace duet
