#pragma once
// An unbounded many-writer queue of tiles. sc_fifo allows one writer, but the PE array, the SFU
// and the DMA's bypass all hand tiles to the store engine; capacity is bounded by the buffer's
// output slots, which writers acquire first.
#include <deque>
#include <systemc>

#include "sim/hw/job.hpp"

namespace duet::hw {

class TileQueue {
 public:
  void push(const TileRef& ref) {
    items_.push_back(ref);
    added_.notify(sc_core::SC_ZERO_TIME);
  }
  TileRef pop() {
    while (items_.empty()) sc_core::wait(added_);
    TileRef ref = items_.front();
    items_.pop_front();
    return ref;
  }

 private:
  std::deque<TileRef> items_;
  sc_core::sc_event added_;
};

}  // namespace duet::hw
