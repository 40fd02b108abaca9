#include "sim/simulate.hpp"

#include <algorithm>
#include <chrono>

#include "sim/cost/cost_report.hpp"
#include "sim/hw/accelerator.hpp"
#include "sim/mapper.hpp"

namespace duet {
namespace {

const char* unit_name(Unit unit) {
  switch (unit) {
    case Unit::kPeArray:
      return "pe_array";
    case Unit::kSfu:
      return "sfu";
    case Unit::kDmaOnly:
      return "dma";
    case Unit::kNone:
      return "none";
  }
  return "?";
}

LayerReport layer_report(const AcceleratorConfig& cfg, const LayerPlan& plan,
                         const hw::LayerStats& s, const SimOptions& options) {
  LayerReport r;
  r.name = plan.name;
  r.op = op_name(plan.op);
  r.unit = unit_name(plan.unit);
  r.note = plan.note;
  r.schedule = plan.schedule;
  r.start_cycle = s.start;
  r.cycles = s.end - s.start;
  r.compute_cycles = s.pe_cycles;
  r.sfu_cycles = s.sfu_cycles;
  r.stall_cycles = r.cycles - r.compute_cycles - r.sfu_cycles;
  r.macs = plan.macs;
  r.folds = plan.folds;
  r.tiles = plan.tile_count;
  const double peak = static_cast<double>(cfg.pe_rows * cfg.pe_cols);
  r.utilization = r.cycles > 0 ? static_cast<double>(r.macs) / (peak * r.cycles) : 0.0;
  r.dram_read_bytes = s.dram_read_bytes;
  r.dram_write_bytes = s.dram_write_bytes;
  r.dram_busy_cycles = s.dram_busy_cycles;
  r.buffer_read_bytes = s.buffer_read_bytes;
  r.buffer_write_bytes = s.buffer_write_bytes;
  r.buffer_reads = s.buffer_reads;
  r.buffer_writes = s.buffer_writes;
  for (int o = 0; o < 3; ++o) {
    r.sram_reads += s.buffer_reads[o];
    r.sram_writes += s.buffer_writes[o];
  }
  r.work = s.work;
  r.dma_transfers = s.dma_transfers;
  r.dma_in_cycles = s.dma_in_cycles;
  r.dma_out_cycles = s.dma_out_cycles;
  if (plan.unit == Unit::kNone) {
    r.bound = plan.note == "view" ? "view" : "fused";
  } else {
    // Which resource would bound the layer on its own: the unit's compute or the DRAM channel.
    const int64_t work = r.compute_cycles + r.sfu_cycles;
    const bool memory = !options.ideal_memory && r.dram_busy_cycles > work;
    r.bound = memory ? "memory" : "compute";
  }
  return r;
}

Report run_plans(const AcceleratorConfig& config, const CostModel& cost,
                 const std::vector<LayerPlan>& plans, const LayerTiles& tiles,
                 const SimOptions& options);

}  // namespace

Report simulate(const AcceleratorConfig& config, const Workload& workload,
                const SimOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  const CostModel cost = cost_model_for(config, options.tech_path);  // bad tables fail early
  const std::vector<LayerPlan> plans =
      map_workload(config, workload, options.ideal_memory, options.max_tiles);
  if (options.estimate)
    options.estimate(estimate_run(config, plans, options.fidelity == Fidelity::kCycle));
  Report report = run_plans(
      config, cost, plans,
      [&](std::size_t i) { return layer_tiles(config, workload.layers[i], plans[i]); }, options);
  report.workload = workload.name;
  report.wall_time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return report;
}

Report simulate_plans(const AcceleratorConfig& config, const std::vector<LayerPlan>& plans,
                      const LayerTiles& tiles, const SimOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  Report report =
      run_plans(config, cost_model_for(config, options.tech_path), plans, tiles, options);
  report.wall_time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return report;
}

namespace {

Report run_plans(const AcceleratorConfig& config, const CostModel& cost,
                 const std::vector<LayerPlan>& plans, const LayerTiles& tiles,
                 const SimOptions& options) {
  PowerProfile power(cost);
  hw::Job job;
  job.config = &config;
  job.plans = &plans;
  job.layer_tiles = tiles;
  job.options = options;
  job.power = &power;
  hw::Accelerator::instance().run(job);

  Report report;
  report.accelerator = config.name;
  report.dataflow = dataflow_name(config.dataflow);
  report.schedule = schedule_name(config.schedule);
  report.fidelity = options.fidelity == Fidelity::kCycle ? "cycle" : "fast";
  report.ideal_memory = options.ideal_memory;
  report.clock_ghz = config.clock_ghz;
  report.pe_rows = config.pe_rows;
  report.pe_cols = config.pe_cols;
  report.buffer_banks = config.buffer_banks;
  report.sfu_kind = sfu_kind_name(config.sfu_kind);
  report.sfu_lanes = config.sfu_lanes;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    LayerReport layer = layer_report(config, plans[i], job.stats[i], options);
    layer.exposed_sfu_cycles = job.activity.exposed_sfu_by_layer()[i];
    report.cycles += layer.cycles;
    report.macs += layer.macs;
    report.compute_cycles += layer.compute_cycles;
    report.sfu_cycles += layer.sfu_cycles;
    report.stall_cycles += layer.stall_cycles;
    report.dram_read_bytes += layer.dram_read_bytes;
    report.dram_write_bytes += layer.dram_write_bytes;
    report.dram_busy_cycles += layer.dram_busy_cycles;
    report.layers.push_back(std::move(layer));
  }
  if (config.schedule == Schedule::kOverlap) {
    // Layers overlap: the run ends with the last layer, and stalls are the time neither
    // compute unit worked.
    report.cycles = 0;
    for (const auto& l : report.layers)
      report.cycles = std::max(report.cycles, l.start_cycle + l.cycles);
    report.stall_cycles = report.cycles - job.activity.compute_busy_cycles();
  }
  report.dma_in_cycles = job.activity.busy_cycles(hw::UnitActivity::kDmaIn);
  report.dma_out_cycles = job.activity.busy_cycles(hw::UnitActivity::kDmaOut);
  report.exposed_sfu_cycles = job.activity.exposed_sfu_cycles();
  report.exposed_memory_cycles = job.activity.exposed_memory_cycles();
  report.buffer_peak_bytes = job.buffer_peak_bytes;
  report.latency_s = static_cast<double>(report.cycles) / (config.clock_ghz * 1e9);
  const double peak = static_cast<double>(config.pe_rows * config.pe_cols);
  report.utilization =
      report.cycles > 0 ? static_cast<double>(report.macs) / (peak * report.cycles) : 0.0;
  attach_costs(cost, power, report);
  report.trace = std::move(job.trace);
  return report;
}

}  // namespace

}  // namespace duet

// libsystemc insists on an sc_main symbol; Duet drives the kernel from its own main().
int sc_main(int, char**) { return 1; }
