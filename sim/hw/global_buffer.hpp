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
  // Account buffer traffic to the tile's layer, per operand, at the bank width.
  void count_compute(const TileRef& ref);
  void count_load(const TileRef& ref);
  void count_store(const TileRef& ref);

 private:
  void add(int layer, Operand operand, int64_t read_bytes, int64_t write_bytes);
  Job* job_ = nullptr;
  SlotPool input_slots_;
  SlotPool output_slots_;
};

}  // namespace duet::hw
