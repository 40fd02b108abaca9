#pragma once
// The banked on-chip buffer. Its input and output partitions are double-buffered (two tile
// slots each) or single-buffered, per job; it counts accesses at the bank width.
#include <systemc>

#include "sim/hw/job.hpp"
#include "sim/hw/slot_pool.hpp"

namespace duet::hw {

class GlobalBuffer : public sc_core::sc_module {
 public:
  explicit GlobalBuffer(sc_core::sc_module_name name) : sc_module(name) {}

  void start_job(Job* job);
  SlotPool& input_slots() { return input_slots_; }
  SlotPool& output_slots() { return output_slots_; }
  // Accounts the tile's buffer traffic to its layer.
  void count_accesses(const TileRef& ref);

 private:
  Job* job_ = nullptr;
  SlotPool input_slots_;
  SlotPool output_slots_;
};

}  // namespace duet::hw
