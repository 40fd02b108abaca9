#pragma once
// Off-chip DRAM in the loop: one channel with a bandwidth, a fixed access latency and a FIFO
// request queue, reached through TLM-2.0 blocking transport with annotated delays. Of the
// requests made in one cycle, the store is served before the load (dram.cpp says why).
#include <tlm_utils/simple_target_socket.h>

#include <systemc>
#include <tlm>

#include "sim/hw/job.hpp"

namespace duet::hw {

class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;

  explicit Dram(sc_core::sc_module_name name);
  void start_job(Job* job);

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);

  Job* job_ = nullptr;
  int64_t busy_until_ = 0;  // absolute cycle the channel frees up
  // The load in flight (one at a time), in absolute cycles; it ends when load_done_ fires.
  bool loading_ = false;
  int64_t load_arrival_ = 0;
  int64_t load_start_ = 0;
  int64_t load_transfer_ = 0;
  sc_core::sc_event load_done_;
};

}  // namespace duet::hw
