#include "sim/hw/global_buffer.hpp"

namespace duet::hw {

void GlobalBuffer::start_job(Job* job) {
  job_ = job;
  const int slots = job->config->double_buffered ? 2 : 1;
  input_slots_.reset(slots);
  output_slots_.reset(slots);
}

void GlobalBuffer::add(int layer, Operand operand, int64_t read_bytes, int64_t write_bytes) {
  LayerStats& s = job_->stats[layer];
  const int64_t width = job_->config->bank_width_bytes;
  s.buffer_read_bytes[operand] += read_bytes;
  s.buffer_write_bytes[operand] += write_bytes;
  s.buffer_reads[operand] += (read_bytes + width - 1) / width;
  s.buffer_writes[operand] += (write_bytes + width - 1) / width;
}

void GlobalBuffer::count_compute(const TileRef& ref) {
  const ComputeActivity& work = ref.tile->work;
  for (Operand o : {kIfmap, kFilter, kOfmap}) {
    add(ref.layer, o, work.buffer_read_bytes[o], work.buffer_write_bytes[o]);
  }
}

void GlobalBuffer::count_load(const TileRef& ref) {
  for (Operand o : {kIfmap, kFilter, kOfmap}) add(ref.layer, o, 0, ref.tile->load_bytes[o]);
}

void GlobalBuffer::count_store(const TileRef& ref) {
  add(ref.layer, kOfmap, ref.tile->store_bytes, 0);
}

}  // namespace duet::hw
