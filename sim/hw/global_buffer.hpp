#pragma once
// The banked on-chip buffer. Its input and output partitions are double-buffered (two tile
// slots each) or single-buffered, per job; it counts accesses at the bank width. It also keeps
// the bytes live in each partition, from a tile's load to the end of its compute (inputs) and
// from the start of its compute to the end of its store (outputs), and stops the run if they
// exceed a partition for a cycle (a bug in the model). Loading partial sums and starting a
// compute wait until the ofmap partition has room.
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
  int free_input_slots() const { return input_slots_.available(); }
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
  // A wait for an output slot and room in the ofmap partition, or for room alone.
  enum Rank { kSfuOutput, kBypassOutput, kPeOutput, kPartialSums };
  struct Claim {
    Rank rank = kPeOutput;
    int64_t cycle = 0;
    int layer = 0;
    bool needs_slot = false;
    int64_t room = 0;  // ofmap bytes it adds
    bool granted = false;
  };
  bool fits(int64_t bytes) const;
  bool take(Claim& claim);
  void wait_for(Claim claim);
  void grant();
  CycleArbiter& arbiter_;
  Job* job_ = nullptr;
  PerOperand capacity_{};
  PerOperand live_{};
  PerOperand peak_{};
  int64_t changed_at_ = 0;
  SlotPool input_slots_;
  int free_output_slots_ = 0;
  std::vector<Claim*> claims_;  // waiting
  sc_core::sc_event granted_;
};

}  // namespace duet::hw
