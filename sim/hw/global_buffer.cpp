#include "sim/hw/global_buffer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace duet::hw {

void GlobalBuffer::start_job(Job* job) {
  job_ = job;
  const int slots = job->config->double_buffered ? 2 : 1;
  input_slots_.reset(slots);
  output_slots_.reset(slots);
  const BufferPartition& share = job->config->partition;
  capacity_ = {job->config->partition_bytes(share.ifmap),
               job->config->partition_bytes(share.filter),
               job->config->partition_bytes(share.ofmap)};
  live_ = {};
  peak_ = {};
}

void GlobalBuffer::hold(Operand operand, int64_t bytes) {
  live_[operand] += bytes;
  peak_[operand] = std::max(peak_[operand], live_[operand]);
  if (live_[operand] > capacity_[operand]) {
    throw std::logic_error(std::string("the ") + kOperandNames[operand] + " partition holds " +
                           std::to_string(live_[operand]) + " bytes, more than its " +
                           std::to_string(capacity_[operand]));
  }
}

void GlobalBuffer::acquire_input(const TileRef& ref) {
  input_slots_.acquire();
  for (Operand o : {kIfmap, kFilter, kOfmap}) hold(o, ref.tile->load_bytes[o]);
}

void GlobalBuffer::release_input(const TileRef& ref) {
  for (Operand o : {kIfmap, kFilter, kOfmap}) live_[o] -= ref.tile->load_bytes[o];
  input_slots_.release();
}

void GlobalBuffer::acquire_output(const TileRef& ref) {
  output_slots_.acquire();
  hold(kOfmap, ref.tile->store_bytes);
}

void GlobalBuffer::release_output(const TileRef& ref) {
  live_[kOfmap] -= ref.tile->store_bytes;
  output_slots_.release();
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
