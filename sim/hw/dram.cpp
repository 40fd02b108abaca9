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
}

void Dram::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
  if (job_->options.ideal_memory) return;
  const AcceleratorConfig& cfg = *job_->config;
  const int64_t bytes = payload.get_data_length();
  const int64_t arrival = to_cycles(sc_core::sc_time_stamp() + delay);
  const int64_t start = std::max(arrival, busy_until_);
  const int64_t transfer = static_cast<int64_t>(
      std::ceil(static_cast<double>(bytes) / cfg.dram_bytes_per_cycle() - 1e-9));
  busy_until_ = start + transfer;
  delay = cycles(busy_until_ + cfg.dram_latency_cycles()) - sc_core::sc_time_stamp();
  // The layer the request belongs to travels in the payload's address field.
  const int layer = static_cast<int>(payload.get_address());
  job_->stats[layer].dram_busy_cycles += transfer;
  job_->record(kTraceDram, layer, start - job_->origin, transfer);
}

}  // namespace duet::hw
