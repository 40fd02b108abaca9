#include "sim/cost/cost_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "workloads/input_error.hpp"

namespace duet {
namespace {

// Peak power is the busiest of this many equal windows over the run.
constexpr int64_t kPeakWindows = 1000;

// Energy of one timeline event. Buffer accesses are taken at the bank width, unrounded: the
// layer totals round per tile, this spreads energy in time only.
double event_energy_j(const CostModel& model, const TimelineEvent& e) {
  const Tile& t = *e.tile;
  const double width = static_cast<double>(model.config().bank_width_bytes);
  const double read_pj = model.buffer_access_pj(false) / width;  // per byte
  const double write_pj = model.buffer_access_pj(true) / width;
  switch (e.kind) {
    case TimelineEvent::kCompute: {
      double buffer_pj = 0;
      for (int o = 0; o < 3; ++o) {
        buffer_pj +=
            t.work.buffer_read_bytes[o] * read_pj + t.work.buffer_write_bytes[o] * write_pj;
      }
      return model.compute_energy(t.work, {}, {}).total() + buffer_pj * 1e-12;
    }
    case TimelineEvent::kLoad:
      return model.transfer_energy(t.total_load_bytes(), 0).total() +
             t.total_load_bytes() * write_pj * 1e-12;
    case TimelineEvent::kStore:
      return model.transfer_energy(0, t.store_bytes).total() + t.store_bytes * read_pj * 1e-12;
  }
  return 0;
}

}  // namespace

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

void attach_costs(const CostModel& model, const std::vector<TimelineEvent>& timeline,
                  Report& report) {
  const double seconds_per_cycle = 1.0 / (report.clock_ghz * 1e9);
  report.energy = EnergyBreakdown{};
  for (auto& layer : report.layers) {
    layer.energy = model.compute_energy(layer.work, layer.buffer_reads, layer.buffer_writes);
    layer.energy += model.transfer_energy(layer.dram_read_bytes, layer.dram_write_bytes);
    layer.energy.leakage = model.leakage_j(layer.cycles * seconds_per_cycle);
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

  // Spread each event's dynamic energy evenly over its cycles, in windows across the run.
  const int64_t total = std::max<int64_t>(1, report.cycles);
  const int64_t window = std::max<int64_t>(1, (total + kPeakWindows - 1) / kPeakWindows);
  std::vector<double> bins(static_cast<std::size_t>((total + window - 1) / window + 1), 0.0);
  for (const auto& e : timeline) {
    const double joules = event_energy_j(model, e);
    const int64_t length = std::max<int64_t>(1, e.cycles);
    const double per_cycle = joules / length;
    for (int64_t c = e.start_cycle; c < e.start_cycle + length;) {
      const int64_t bin = std::min<int64_t>(c / window, static_cast<int64_t>(bins.size()) - 1);
      const int64_t until = std::min(e.start_cycle + length, (c / window + 1) * window);
      bins[bin] += per_cycle * (until - c);
      c = until;
    }
  }
  const double window_s = window * seconds_per_cycle;
  const double busiest = *std::max_element(bins.begin(), bins.end());
  report.peak_window_s = window_s;
  report.peak_power_w = busiest / window_s + model.leakage_j(1.0);
}

}  // namespace duet
