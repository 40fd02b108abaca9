#include "sim/run_estimate.hpp"

#include <algorithm>

namespace duet {

namespace {

// Measured with `duet sim` on the 2-core development machine (Release build):
// - fast: ResNet-18 and BERT-base (32 tokens) on 4x4 and 8x8 arrays, 0.28 to 4.9 s for 0.28 to
//   5.3 M tiles: 0.9 us a tile; a chain of 100,000 ReLU layers: about 3 us a layer to map and run;
// - cycle: ResNet-18 on 32x32 (4.2 s) and 8x8 (6.7 s): 0.1 us a cycle plus 2.2 ns a PE-cycle,
//   counting cycles as MACs over PEs (the array is never better used than that).
constexpr double kSecondsPerTile = 0.9e-6;
constexpr double kSecondsPerLayer = 3e-6;
constexpr double kSecondsPerPeCycle = 0.1e-6;
constexpr double kSecondsPerPeCyclePerPe = 2.2e-9;

}  // namespace

RunEstimate estimate_run(const AcceleratorConfig& config, const std::vector<LayerPlan>& plans,
                         bool cycle_fidelity) {
  RunEstimate e;
  e.layers = static_cast<int64_t>(plans.size());
  const int64_t pes = std::max<int64_t>(1, config.pe_rows * config.pe_cols);
  for (const LayerPlan& p : plans) {
    e.tiles += p.tile_count;
    e.pe_cycles += p.macs / pes;
  }
  const double per_cycle = kSecondsPerPeCycle + static_cast<double>(pes) * kSecondsPerPeCyclePerPe;
  e.seconds = static_cast<double>(e.tiles) * kSecondsPerTile +
              static_cast<double>(e.layers) * kSecondsPerLayer +
              (cycle_fidelity ? static_cast<double>(e.pe_cycles) * per_cycle : 0.0);
  return e;
}

}  // namespace duet
