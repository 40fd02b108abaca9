#pragma once
// Results of one simulation. Units are in the field names; cycles are accelerator clock cycles.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/cost/cost_model.hpp"
#include "sim/layer_plan.hpp"

namespace duet {

struct LayerReport {
  std::string name;
  std::string op;
  std::string unit;   // pe_array, sfu, dma, none
  std::string bound;  // compute, memory, fused, view
  std::string note;
  std::string schedule;
  int64_t start_cycle = 0;
  int64_t cycles = 0;
  int64_t compute_cycles = 0;  // PE array, SCALE-Sim convention
  int64_t sfu_cycles = 0;
  int64_t stall_cycles = 0;
  int64_t macs = 0;
  int64_t folds = 0;
  int64_t tiles = 0;
  double utilization = 0;
  int64_t dram_read_bytes = 0;
  int64_t dram_write_bytes = 0;
  int64_t dram_busy_cycles = 0;
  int64_t dma_in_cycles = 0;       // loads occupying (or waiting for) the DRAM channel
  int64_t dma_out_cycles = 0;      // stores
  int64_t exposed_sfu_cycles = 0;  // this layer's SFU work while the PE array was idle
  int64_t sram_reads = 0;          // bank-width accesses, all operands
  int64_t sram_writes = 0;
  PerOperand buffer_read_bytes{};
  PerOperand buffer_write_bytes{};
  PerOperand buffer_reads{};
  PerOperand buffer_writes{};
  ComputeActivity work;
  int64_t dma_transfers = 0;
  EnergyBreakdown energy;  // joules, leakage over the layer's time included
  double energy_j = 0;
};

struct TraceEvent {
  int track = 0;  // index into kTraceTracks
  int layer = 0;
  int64_t start_cycle = 0;
  int64_t cycles = 0;
};
inline const char* const kTraceTracks[] = {"PE array", "DMA-in", "DMA-out", "SFU", "DRAM"};
enum TraceTrack { kTracePe = 0, kTraceDmaIn, kTraceDmaOut, kTraceSfu, kTraceDram };

struct Report {
  std::string accelerator;
  std::string workload;
  std::string dataflow;
  std::string schedule;
  std::string fidelity;
  bool ideal_memory = false;
  double clock_ghz = 1.0;
  int64_t pe_rows = 0;
  int64_t pe_cols = 0;
  int64_t buffer_banks = 1;
  std::string sfu_kind;
  int64_t sfu_lanes = 0;
  std::string mac_type;  // the type MACs are priced at

  int64_t cycles = 0;
  double latency_s = 0;
  int64_t macs = 0;
  double utilization = 0;
  int64_t dram_read_bytes = 0;
  int64_t dram_write_bytes = 0;
  int64_t compute_cycles = 0;
  int64_t sfu_cycles = 0;
  int64_t stall_cycles = 0;
  // Busy cycles per unit, and the time the units did not hide: SFU work while the PE array was
  // idle, and DMA transfers while both compute units were idle.
  int64_t dma_in_cycles = 0;
  int64_t dma_out_cycles = 0;
  int64_t dram_busy_cycles = 0;
  int64_t exposed_sfu_cycles = 0;
  int64_t exposed_memory_cycles = 0;
  PerOperand buffer_peak_bytes{};  // the most each buffer partition held at once
  double wall_time_s = 0;          // host time the simulation took

  // Cost model (docs/cost-model.md).
  std::string tech_table;
  int technology_nm = 0;
  double energy_j = 0;
  double avg_power_w = 0;      // all energy, DRAM included, over the latency
  double on_chip_power_w = 0;  // without DRAM: what a chip's power figure compares to
  double peak_power_w = 0;     // busiest window of the power profile, leakage included
  double peak_window_s = 0;
  double area_mm2 = 0;
  double edp_js = 0;
  EnergyBreakdown energy;
  AreaBreakdown area;

  std::vector<LayerReport> layers;
  std::vector<TraceEvent> trace;  // filled only when SimOptions::trace is set
};

}  // namespace duet
