#pragma once
// How long a simulation will take, known before it runs: from its tile count (fast mode, one
// event per tile) and its PE cycles (cycle mode steps the array every cycle), at costs measured
// on the development machine (bench/run.sh). A guide for the user, not a promise: it warns of
// runs of minutes so they can be stopped early.
#include <cstdint>
#include <vector>

#include "sim/accelerator_config.hpp"
#include "sim/layer_plan.hpp"

namespace duet {

struct RunEstimate {
  int64_t layers = 0;
  int64_t tiles = 0;
  int64_t pe_cycles = 0;  // a lower bound: MACs over the array's PEs
  double seconds = 0;
};

// Runs estimated above this are announced before they start.
inline constexpr double kLongRunSeconds = 10;

RunEstimate estimate_run(const AcceleratorConfig& config, const std::vector<LayerPlan>& plans,
                         bool cycle_fidelity);

}  // namespace duet
