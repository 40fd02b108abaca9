#include "sim/cost/tech_table.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "sim/accelerator_config.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet {
namespace {

const std::vector<std::string> kArithmetic = {"int8_add",  "int16_add", "int32_add",  "fp16_add",
                                              "fp32_add",  "int8_mult", "int16_mult", "int32_mult",
                                              "fp16_mult", "fp32_mult"};

// Unit -> factor to the canonical unit of the quantity.
using Units = std::map<std::string, double>;
const Units kEnergyUnits = {{"pJ", 1.0}, {"fJ", 1e-3}, {"nJ", 1e3}};
const Units kAreaUnits = {{"um2", 1.0}, {"mm2", 1e6}};
const Units kPowerDensityUnits = {{"W/mm2", 1.0}, {"mW/mm2", 1e-3}};
const Units kDimensionless = {{"1", 1.0}};

double read_entry(ObjectReader& parent, const std::string& key, const Units& units) {
  ObjectReader e = parent.object(key);
  const double value = e.number("value", 0.0, 1e12);
  std::vector<std::string> names;
  for (const auto& [name, factor] : units) names.push_back(name);
  const double factor = units.at(e.choice("unit", names));
  if (e.string("source").empty()) e.fail("source", "must name where the number comes from");
  e.reject_unknown_keys();
  return value * factor;
}

void read_group(ObjectReader& top, const std::string& group, const std::vector<std::string>& keys,
                const Units& units, std::map<std::string, double>& out) {
  ObjectReader r = top.object(group);
  for (const auto& key : keys) out[key] = read_entry(r, key, units);
  r.reject_unknown_keys();
}

std::vector<std::string> with(std::vector<std::string> base, std::vector<std::string> more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

}  // namespace

double TechTable::sram_access_pj(double kib, double width_bits) const {
  return sram_read_64b_coefficient_pj * std::pow(kib, sram_read_64b_exponent) * width_bits / 64.0;
}

TechTable load_tech_table(const std::string& path) {
  Json root = read_json_file(path);
  ObjectReader top(root, path);
  TechTable t;
  t.path = path;
  t.node_nm = static_cast<int>(top.integer("node_nm", 1, 1000));
  top.string_or("description", "");
  read_group(
      top, "energy",
      with(kArithmetic, {"register_file_access_per_byte", "pe_to_pe_per_byte", "dma_per_byte"}),
      kEnergyUnits, t.energy_pj);
  read_group(top, "area", with(kArithmetic, {"register_file_per_byte", "pe_control"}), kAreaUnits,
             t.area_um2);
  ObjectReader sram = top.object("sram");
  t.sram_read_64b_coefficient_pj = read_entry(sram, "read_energy_64b_coefficient", kEnergyUnits);
  t.sram_read_64b_exponent = read_entry(sram, "read_energy_64b_exponent", kDimensionless);
  t.sram_write_to_read_ratio = read_entry(sram, "write_to_read_energy_ratio", kDimensionless);
  t.sram_area_um2_per_bit = read_entry(sram, "area_per_bit", kAreaUnits);
  sram.reject_unknown_keys();
  read_group(top, "dram_energy_per_bit", {"ddr3", "ddr4", "lpddr4", "hbm2"}, kEnergyUnits,
             t.dram_pj_per_bit);
  t.leakage_w_per_mm2 = read_entry(top, "leakage_power_density", kPowerDensityUnits);
  ObjectReader overheads = top.object("overheads");
  t.dma_control_area_fraction = read_entry(overheads, "dma_control_area_fraction", kDimensionless);
  t.interconnect_area_fraction =
      read_entry(overheads, "interconnect_area_fraction", kDimensionless);
  overheads.reject_unknown_keys();
  top.reject_unknown_keys();
  return t;
}

std::vector<int> available_tech_nodes() {
  std::vector<int> nodes;
  const std::filesystem::path dir = std::filesystem::path(configs_dir()) / "tech";
  if (!std::filesystem::is_directory(dir)) return nodes;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string stem = entry.path().stem().string();
    if (entry.path().extension() == ".json" && stem.size() > 2 &&
        stem.compare(stem.size() - 2, 2, "nm") == 0) {
      try {
        nodes.push_back(std::stoi(stem));
      } catch (const std::exception&) {
      }
    }
  }
  std::sort(nodes.rbegin(), nodes.rend());
  return nodes;
}

TechTable shipped_tech_table(int node_nm) {
  const std::filesystem::path file =
      std::filesystem::path(configs_dir()) / "tech" / (std::to_string(node_nm) + "nm.json");
  if (!std::filesystem::exists(file)) {
    std::string nodes;
    for (int n : available_tech_nodes()) nodes += (nodes.empty() ? "" : ", ") + std::to_string(n);
    throw InputError("technology_nm " + std::to_string(node_nm) +
                     ": no technology table (available nodes: " + nodes +
                     "; or pass --tech my-table.json)");
  }
  return load_tech_table(file.string());
}

}  // namespace duet
