#pragma once
// The simulator's one entry point. The SystemC model is elaborated on the first call and reused
// by every later call in the process; calls must come from one thread.
#include <functional>

#include "sim/accelerator_config.hpp"
#include "sim/layer_plan.hpp"
#include "sim/report.hpp"
#include "sim/run_estimate.hpp"
#include "workloads/workload.hpp"

namespace duet {

enum class Fidelity { kFast, kCycle };

struct SimOptions {
  bool ideal_memory = false;  // DRAM with no latency and unlimited bandwidth
  Fidelity fidelity = Fidelity::kFast;
  bool trace = false;
  std::string tech_path;  // technology table; empty: configs/tech/<technology_nm>nm.json
  int64_t max_tiles = kDefaultMaxTiles;  // refuse larger runs before building them
  // Told after each layer (layers done, layers in all); called from inside the simulation.
  std::function<void(int64_t, int64_t)> progress;
  // Told once the workload is mapped, before the run starts, how long it should take.
  std::function<void(const RunEstimate&)> estimate;
};

Report simulate(const AcceleratorConfig& config, const Workload& workload,
                const SimOptions& options = {});

// Runs layers that are already planned: `tiles(i)` builds layer i's tiles when the run reaches
// it. simulate() is map_workload followed by this; tests use it to run task graphs built by hand.
using LayerTiles = std::function<std::vector<Tile>(std::size_t layer)>;
Report simulate_plans(const AcceleratorConfig& config, const std::vector<LayerPlan>& plans,
                      const LayerTiles& tiles, const SimOptions& options = {});

}  // namespace duet
