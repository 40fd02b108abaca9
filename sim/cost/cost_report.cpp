#include "sim/cost/cost_report.hpp"

#include <map>

#include "workloads/input_error.hpp"

namespace duet {

CostModel cost_model_for(const AcceleratorConfig& config, const std::string& tech_path) {
  static std::map<std::string, TechTable> cache;
  const std::string key =
      tech_path.empty() ? "node:" + std::to_string(config.technology_nm) : tech_path;
  auto it = cache.find(key);
  if (it == cache.end()) {
    TechTable table;
    if (!tech_path.empty()) {
      table = load_tech_table(tech_path);
    } else {
      try {
        table = shipped_tech_table(config.technology_nm);
      } catch (const InputError& e) {
        throw InputError((config.source.empty() ? config.name : config.source) + ": " + e.what());
      }
    }
    it = cache.emplace(key, std::move(table)).first;
  }
  return CostModel(config, it->second);
}

void attach_costs(const CostModel& model, const PowerProfile& power, Report& report) {
  const double seconds_per_cycle = 1.0 / (report.clock_ghz * 1e9);
  report.energy = EnergyBreakdown{};
  // Leakage runs for the whole run once. When layers overlap, each layer gets its share of the
  // run's leakage in proportion to its span.
  int64_t spans = 0;
  for (const auto& layer : report.layers) spans += layer.cycles;
  const double leakage_scale =
      spans == report.cycles || spans == 0 ? 1.0 : double(report.cycles) / double(spans);
  for (auto& layer : report.layers) {
    layer.energy = model.compute_energy(layer.work, layer.buffer_reads, layer.buffer_writes);
    layer.energy += model.transfer_energy(layer.dram_read_bytes, layer.dram_write_bytes);
    layer.energy.leakage = model.leakage_j(layer.cycles * seconds_per_cycle) * leakage_scale;
    layer.energy_j = layer.energy.total();
    report.energy += layer.energy;
  }
  report.tech_table = model.tech().path;
  report.mac_type = model.mac_type();
  report.technology_nm = model.tech().node_nm;
  report.energy_j = report.energy.total();
  report.area = model.area();
  report.area_mm2 = report.area.total();
  report.edp_js = report.energy_j * report.latency_s;
  if (report.latency_s > 0) {
    report.avg_power_w = report.energy_j / report.latency_s;
    report.on_chip_power_w = (report.energy_j - report.energy.dram) / report.latency_s;
  }

  const double window_s = static_cast<double>(power.window_cycles()) * seconds_per_cycle;
  const double busiest = power.busiest_window_j();
  report.peak_window_s = window_s;
  report.peak_power_w = busiest / window_s + model.leakage_j(1.0);
}

}  // namespace duet
