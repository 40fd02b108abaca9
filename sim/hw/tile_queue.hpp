#pragma once
// An unbounded many-writer queue of tiles. sc_fifo allows one writer, but the PE array, the SFU
// and the DMA's bypass all hand tiles to the store engine; capacity is bounded by the buffer's
// output slots, which writers acquire first. Tiles leave in the order of the cycle they came in;
// those of one cycle the PE array's first, then the SFU's, then the bypass's, each oldest layer
// first, not in the order SystemC happened to run the writers (cycle_arbiter.hpp).
#include <algorithm>
#include <functional>
#include <systemc>
#include <vector>

#include "sim/hw/cycle_arbiter.hpp"
#include "sim/hw/job.hpp"

namespace duet::hw {

class TileQueue {
 public:
  explicit TileQueue(CycleArbiter& arbiter) : arbiter_(arbiter) {}
  void push(const TileRef& ref, Unit unit) {
    const int rank = unit == Unit::kPeArray ? 0 : unit == Unit::kSfu ? 1 : 2;
    items_.push_back({to_cycles(sc_core::sc_time_stamp()), rank, ref});
    added_.notify(sc_core::SC_ZERO_TIME);
  }
  TileRef pop() {
    while (items_.empty()) sc_core::wait(added_);
    auto first = std::min_element(items_.begin(), items_.end(), before);
    // Only a tile of an earlier cycle, or the PE array's, can go before others of this cycle
    // have come.
    if (first->cycle == to_cycles(sc_core::sc_time_stamp()) && first->rank > 0) {
      arbiter_.wait_turn(CycleArbiter::kStoreQueue);
      first = std::min_element(items_.begin(), items_.end(), before);
    }
    const TileRef ref = first->ref;
    items_.erase(first);
    return ref;
  }

 private:
  struct Item {
    int64_t cycle = 0;
    int rank = 0;  // the PE array's tiles, the SFU's, the DMA bypass's
    TileRef ref;
  };
  static bool before(const Item& a, const Item& b) {
    if (a.cycle != b.cycle) return a.cycle < b.cycle;
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.ref.layer != b.ref.layer) return a.ref.layer < b.ref.layer;
    return std::less<const Tile*>()(a.ref.tile, b.ref.tile);  // a layer's tiles are in order
  }
  CycleArbiter& arbiter_;
  std::vector<Item> items_;
  sc_core::sc_event added_;
};

}  // namespace duet::hw
