#pragma once
// Prices the activity counted by the SystemC run with a technology table: energy per component
// and per layer, area per component, average and peak power, EDP (docs/cost-model.md).
#include <string>
#include <utility>
#include <vector>

#include "sim/accelerator_config.hpp"
#include "sim/cost/tech_table.hpp"
#include "sim/layer_plan.hpp"

namespace duet {

struct EnergyBreakdown {  // joules
  double pe_array = 0;    // MACs and PE-to-PE transfers
  double register_file = 0;
  double global_buffer = 0;
  double dram = 0;
  double sfu = 0;
  double dma = 0;
  double leakage = 0;
  // Parts of pe_array, reported separately so they can be audited.
  double mac = 0;
  double pe_to_pe = 0;

  double total() const {
    return pe_array + register_file + global_buffer + dram + sfu + dma + leakage;
  }
  EnergyBreakdown& operator+=(const EnergyBreakdown& o);
  std::vector<std::pair<std::string, double>> components() const;
};

struct AreaBreakdown {  // mm2
  double pe_array = 0;  // multipliers, adders, PE control
  double register_file = 0;
  double global_buffer = 0;
  double sfu = 0;
  double dma_control = 0;
  double interconnect = 0;
  std::vector<double> buffer_banks;  // the global buffer, bank by bank

  double total() const {
    return pe_array + register_file + global_buffer + sfu + dma_control + interconnect;
  }
  std::vector<std::pair<std::string, double>> components() const;
};

// The table's key prefix ("int8", "fp16", ...) for a data type; bf16 is priced as fp16.
std::string arithmetic_key(DataType type);

class CostModel {
 public:
  CostModel(const AcceleratorConfig& config, TechTable tech);

  const AreaBreakdown& area() const { return area_; }
  const TechTable& tech() const { return tech_; }
  const AcceleratorConfig& config() const { return config_; }
  const std::string& mac_type() const { return mac_type_; }

  // Dynamic energy of what compute units did (PE array, register files, SFU, their buffer
  // accesses), in joules.
  EnergyBreakdown compute_energy(const ComputeActivity& work, const PerOperand& buffer_reads,
                                 const PerOperand& buffer_writes) const;
  // Dynamic energy of DRAM traffic and the DMA moving it, including the buffer accesses made by
  // the DMA (counted in the activity above when taken from a layer's totals).
  EnergyBreakdown transfer_energy(int64_t dram_read_bytes, int64_t dram_write_bytes) const;
  double leakage_j(double seconds) const;
  // SFU arithmetic priced with the unit of the kind that ran it, in pJ.
  double sfu_energy_pj(const SfuOps& ops) const;
  // Energy of one buffer access per operand direction; all banks are alike.
  double buffer_access_pj(bool write) const;

 private:
  AcceleratorConfig config_;
  TechTable tech_;
  AreaBreakdown area_;
  double mac_pj_ = 0;
  std::string mac_type_;
  // Per-action prices in pJ, looked up once: the timeline prices every tile with them.
  struct SfuPrices {
    double add = 0, mult = 0;
    double function[5] = {};  // by SfuFunction
  };
  double pe_to_pe_pj_ = 0, register_file_pj_ = 0, buffer_read_pj_ = 0, buffer_write_pj_ = 0;
  double dram_byte_pj_ = 0, dma_byte_pj_ = 0;
  SfuPrices sfu_prices_[3];  // by SfuKind
};

}  // namespace duet
