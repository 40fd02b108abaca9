#pragma once
// Dynamic energy over time, for peak power. Each tile's compute, load and store is priced when
// it happens and spread evenly over its cycles into windows. The run's length is unknown until
// it ends, so windows start one cycle long and double, merging neighbours, whenever the run
// outgrows kMaxWindows of them: at the end there are between kMaxWindows / 2 and kMaxWindows
// windows, each a power-of-two number of cycles. Memory stays constant whatever the tile count.
#include <cstdint>
#include <vector>

#include "sim/cost/cost_model.hpp"
#include "sim/layer_plan.hpp"

namespace duet {

class PowerProfile {
 public:
  static constexpr int64_t kMaxWindows = 1024;
  enum class Activity { kCompute, kLoad, kStore };

  explicit PowerProfile(const CostModel& model);
  void add(Activity activity, const Tile& tile, int64_t start_cycle, int64_t cycles);
  int64_t window_cycles() const { return window_; }
  double busiest_window_j() const;

 private:
  double energy_j(Activity activity, const Tile& tile) const;
  void cover(int64_t last_cycle);

  const CostModel* model_;
  double read_pj_per_byte_;
  double write_pj_per_byte_;
  int64_t window_ = 1;
  std::vector<double> bins_;
};

}  // namespace duet
