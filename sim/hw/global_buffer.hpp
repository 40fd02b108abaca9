#pragma once
// The banked on-chip buffer. Each unit (the PE array, the SFU, the DMA's bypass) has its own
// input and output tile slots, two each when double-buffered, one otherwise, so that tiles
// waiting for one unit never hold another unit's slots. The partitions' bytes are shared, as
// the SRAM is: the buffer keeps the bytes live in each partition, from a tile's load to the end
// of its compute (inputs) and from the start of its compute to the end of its store (outputs),
// and a load or a compute waits until its partitions have room. It stops the run if a partition
// ever holds more than its capacity for a cycle (a bug in the model). It counts accesses at the
// bank width.
#include <array>
#include <systemc>
#include <vector>

#include "sim/hw/cycle_arbiter.hpp"
#include "sim/hw/job.hpp"
#include "sim/hw/slot_pool.hpp"

namespace duet::hw {

class GlobalBuffer : public sc_core::sc_module {
 public:
  GlobalBuffer(sc_core::sc_module_name name, CycleArbiter& arbiter);

  void start_job(Job* job);
  // Whether the request would be loaded at once: its unit has a free input slot (the rest of a
  // tile whose weights are in holds one already) and its bytes fit their partitions.
  bool takes_at_once(const TileRef& ref) const;
  // Wait for a slot, then hold the tile's bytes in their partitions.
  void acquire_input(const TileRef& ref);
  void acquire_output(const TileRef& ref);
  void release_input(const TileRef& ref);
  void release_output(const TileRef& ref);
  // The most bytes each partition held at once during the job.
  const PerOperand& peak_bytes() const { return peak_; }
  bool empty() const { return live_ == PerOperand{}; }
  // Account buffer traffic to the tile's layer, per operand, at the bank width.
  void count_compute(const TileRef& ref);
  void count_load(const TileRef& ref);
  void count_store(const TileRef& ref);

 private:
  void add(int layer, Operand operand, int64_t read_bytes, int64_t write_bytes);
  void change(Operand operand, int64_t bytes);
  static int64_t output_region(const Tile& tile);
  static std::size_t index(Unit unit) { return static_cast<std::size_t>(unit); }
  // A wait for an output slot of `unit` and room in the ofmap partition, or for room alone
  // (a load: its inputs, and the partial sums it brings into the ofmap partition).
  enum Rank { kSfuOutput, kBypassOutput, kPeOutput, kLoad };
  struct Claim {
    Rank rank = kPeOutput;
    int64_t cycle = 0;
    int layer = 0;
    Unit unit = Unit::kNone;
    bool needs_slot = false;
    PerOperand room{};  // bytes it adds to each partition
    bool granted = false;
  };
  bool fits(const PerOperand& bytes) const;
  bool take(Claim& claim);
  void wait_for(Claim claim);
  void grant();
  CycleArbiter& arbiter_;
  Job* job_ = nullptr;
  PerOperand capacity_{};
  PerOperand live_{};
  PerOperand peak_{};
  int64_t changed_at_ = 0;
  std::array<SlotPool, 4> input_slots_;  // by Unit
  std::array<int, 4> free_output_slots_{};
  std::vector<Claim*> claims_;  // waiting
  sc_core::sc_event granted_;
};

}  // namespace duet::hw
