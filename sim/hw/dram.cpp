#include "sim/hw/dram.hpp"

#include <algorithm>
#include <cmath>

namespace duet::hw {

Dram::Dram(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
  socket.register_b_transport(this, &Dram::b_transport);
}

void Dram::start_job(Job* job) {
  job_ = job;
  busy_until_ = 0;
  loading_ = false;
}

// The DMA's load and store engines may each make a request in the same cycle (one each: an
// engine waits for the end of its transfer before it requests again). Serving them in call order
// would make the result depend on the order in which SystemC runs the two engines, which is
// unspecified and differs between the fast and the cycle-fidelity PE array. The store goes
// first, the order the fast mode nearly always took by chance, so that its results stay as they
// were (loads first would make the zoo up to 1.8% faster). A store is queued at once; a load is
// queued at once too, but waits here until its transfer ends, so that a store of its cycle that
// comes after it can still take its place.
void Dram::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
  if (job_->options.ideal_memory) return;
  const AcceleratorConfig& cfg = *job_->config;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const int64_t arrival = to_cycles(now + delay);
  const int64_t transfer = static_cast<int64_t>(std::ceil(
      static_cast<double>(payload.get_data_length()) / cfg.dram_bytes_per_cycle() - 1e-9));
  // The layer the request belongs to travels in the payload's address field.
  const int layer = static_cast<int>(payload.get_address());
  job_->stats[layer].dram_busy_cycles += transfer;
  if (payload.is_write()) {
    int64_t start = std::max(arrival, busy_until_);
    busy_until_ = start + transfer;
    if (loading_ && load_arrival_ == arrival) {
      start = load_start_;
      load_start_ = start + transfer;
      busy_until_ = load_start_ + load_transfer_;
      load_done_.cancel();
      load_done_.notify(cycles(busy_until_) - now);
    }
    job_->record(kTraceDram, layer, start - job_->origin, transfer);
    delay = cycles(start + transfer + cfg.dram_latency_cycles()) - now;
    return;
  }
  loading_ = true;
  load_arrival_ = arrival;
  load_start_ = std::max(arrival, busy_until_);
  load_transfer_ = transfer;
  busy_until_ = load_start_ + transfer;
  load_done_.notify(cycles(busy_until_) - now);
  sc_core::wait(load_done_);
  loading_ = false;
  job_->record(kTraceDram, layer, load_start_ - job_->origin, transfer);
  delay = cycles(cfg.dram_latency_cycles());
}

}  // namespace duet::hw
