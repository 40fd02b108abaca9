#pragma once
// Hands tiles on in order once their DRAM latency has elapsed. The DMA engines issue a request,
// wait only while it occupies the channel, and move on: the access latency of one request
// overlaps the transfers of the next, as with any DMA that keeps several requests in flight.
#include <deque>
#include <functional>
#include <systemc>

#include "sim/hw/job.hpp"

namespace duet::hw {

class DelayLine : public sc_core::sc_module {
 public:
  explicit DelayLine(sc_core::sc_module_name name) : sc_module(name) {
    SC_HAS_PROCESS(DelayLine);
    SC_THREAD(run);
  }
  // `ready` is an absolute time; requests leave in the order they were pushed.
  void push(const sc_core::sc_time& ready, const TileRef& ref) {
    items_.push_back({ready, ref});
    added_.notify(sc_core::SC_ZERO_TIME);
  }
  std::function<void(const TileRef&)> deliver;

 private:
  struct Item {
    sc_core::sc_time ready;
    TileRef ref;
  };
  void run() {
    while (true) {
      while (items_.empty()) wait(added_);
      Item item = items_.front();
      items_.pop_front();
      if (item.ready > sc_core::sc_time_stamp()) wait(item.ready - sc_core::sc_time_stamp());
      deliver(item.ref);
    }
  }
  std::deque<Item> items_;
  sc_core::sc_event added_;
};

}  // namespace duet::hw
