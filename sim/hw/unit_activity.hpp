#pragma once
// When each unit is busy, for per-unit utilisation and the time the units do not hide: the SFU
// busy while the PE array is idle (exposed SFU time), and the DMA busy while both compute units
// are idle (exposed memory time). Units report when they start and stop; the time since the last
// report is added to the counters, so memory stays constant whatever the run's length.
#include <array>
#include <cstdint>
#include <vector>

namespace duet::hw {

class UnitActivity {
 public:
  enum UnitId { kPeArray = 0, kSfu, kDmaIn, kDmaOut, kUnitCount };

  // Starts counting at `start`, with `layers` layers to attribute exposed SFU time to.
  void reset(int64_t start, std::size_t layers);
  void start(UnitId unit, int layer, int64_t now);
  // The unit stays busy `tail` cycles after it stops (a pipeline draining), unless it starts
  // again before.
  void stop(UnitId unit, int64_t now, int64_t tail = 0);
  // Closes the open interval at the job's end.
  void finish(int64_t now) { advance(now); }

  int64_t busy_cycles(UnitId unit) const { return busy_[unit]; }
  int64_t exposed_sfu_cycles() const { return exposed_sfu_; }
  int64_t compute_busy_cycles() const { return compute_busy_; }  // PE array or SFU busy
  int64_t exposed_memory_cycles() const { return exposed_memory_; }
  // Per layer, indexed like the job's plans.
  const std::vector<int64_t>& exposed_sfu_by_layer() const { return exposed_sfu_by_layer_; }

 private:
  void advance(int64_t now);

  std::array<int, kUnitCount> running_{};  // tasks in progress per unit (0 or 1)
  std::array<int, kUnitCount> layer_{};
  std::array<int64_t, kUnitCount> tail_end_{};  // busy until then, though stopped
  std::array<int64_t, kUnitCount> busy_{};
  int64_t exposed_sfu_ = 0;
  int64_t exposed_memory_ = 0;
  int64_t compute_busy_ = 0;
  std::vector<int64_t> exposed_sfu_by_layer_;
  int64_t last_ = 0;
};

}  // namespace duet::hw
