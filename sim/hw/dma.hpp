#pragma once
// Moves tiles between DRAM and the global buffer: a load engine that prefetches the next tile
// while the current one computes, and a store engine that drains finished tiles.
#include <tlm_utils/simple_initiator_socket.h>

#include <functional>
#include <systemc>
#include <tlm>

#include "sim/hw/cycle_arbiter.hpp"
#include "sim/hw/delay_line.hpp"
#include "sim/hw/global_buffer.hpp"
#include "sim/hw/job.hpp"
#include "sim/hw/tile_queue.hpp"

namespace duet::hw {

class Dma : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Dma> socket;
  sc_core::sc_fifo_in<TileRef> load_requests;
  sc_core::sc_fifo_out<TileRef> to_pe_array;
  sc_core::sc_fifo_out<TileRef> to_sfu;

  Dma(sc_core::sc_module_name name, GlobalBuffer& buffer, CycleArbiter& arbiter);
  void start_job(Job* job) { job_ = job; }
  // Queues a computed tile for its store; the caller holds an output slot.
  void store(const TileRef& ref) { store_requests_.push(ref, (*job_->plans)[ref.layer].unit); }
  // The load engine waits for a request: one issued now whose slot and room are free starts
  // loading at once (the overlap schedule decides as late as this).
  bool awaiting_request() const { return awaiting_request_; }
  // Called for every tile once its results are in DRAM.
  std::function<void(const TileRef&)> on_stored;

 private:
  void load_engine();
  void store_engine();
  // Issues the request and waits while it occupies the channel; returns when its data arrives
  // (transfer plus access latency), an absolute time.
  sc_core::sc_time transfer(tlm::tlm_command command, int layer, int64_t bytes);
  void loaded(const TileRef& ref);

  GlobalBuffer& buffer_;
  TileQueue store_requests_;
  DelayLine arriving_{"arriving"};
  DelayLine acknowledged_{"acknowledged"};
  Job* job_ = nullptr;
  bool awaiting_request_ = false;
};

}  // namespace duet::hw
