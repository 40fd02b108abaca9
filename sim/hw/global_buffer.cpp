#include "sim/hw/global_buffer.hpp"

namespace duet::hw {

void GlobalBuffer::start_job(Job* job) {
  job_ = job;
  const int slots = job->config->double_buffered ? 2 : 1;
  input_slots_.reset(slots);
  output_slots_.reset(slots);
}

void GlobalBuffer::count_accesses(const TileRef& ref) {
  LayerStats& s = job_->stats[ref.layer];
  const int64_t width = job_->config->bank_width_bytes;
  s.sram_read_bytes += ref.tile->sram_read_bytes;
  s.sram_write_bytes += ref.tile->sram_write_bytes;
  s.sram_reads += (ref.tile->sram_read_bytes + width - 1) / width;
  s.sram_writes += (ref.tile->sram_write_bytes + width - 1) / width;
}

}  // namespace duet::hw
