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
  changed_at_ = 0;
}

// The bytes live in a partition change at `now`. The state that held since the last change is
// what counts: several changes within one cycle (a store ending as the next load lands) are
// one step, as they are in hardware.
void GlobalBuffer::change(Operand operand, int64_t bytes) {
  const int64_t now = job_->now();
  if (now > changed_at_) {
    for (Operand o : {kIfmap, kFilter, kOfmap}) {
      peak_[o] = std::max(peak_[o], live_[o]);
      if (live_[o] > capacity_[o]) {
        throw std::logic_error(std::string("the ") + kOperandNames[o] + " partition held " +
                               std::to_string(live_[o]) + " bytes, more than its " +
                               std::to_string(capacity_[o]));
      }
    }
    changed_at_ = now;
  }
  live_[operand] += bytes;
}

// A tile's output region in the ofmap partition: its results, or the partial sums it loads,
// accumulates in place and stores.
int64_t GlobalBuffer::output_region(const Tile& tile) {
  return std::max(tile.store_bytes, tile.load_bytes[kOfmap]);
}

// Waits until `bytes` more fit the ofmap partition (or it is empty: a tile larger than the
// partition is the mapper's to refuse). The slots alone would not ensure it: partial sums
// loaded into the partition by tiles waiting to compute add to the outputs of the tiles that
// hold the output slots.
void GlobalBuffer::wait_for_ofmap_room(int64_t bytes) {
  while (bytes > 0 && live_[kOfmap] > 0 && live_[kOfmap] + bytes > capacity_[kOfmap])
    sc_core::wait(room_);
}

// A tile takes its input slot with its first load: the whole of it, or its prefetched weights.
void GlobalBuffer::acquire_input(const TileRef& ref) {
  if (ref.part != LoadPart::kRest) input_slots_.acquire();
  const PerOperand bytes = ref.load_bytes();
  wait_for_ofmap_room(bytes[kOfmap]);
  for (Operand o : {kIfmap, kFilter, kOfmap}) change(o, bytes[o]);
}

// Loaded partial sums are accumulated in place and stored from there: that region is the
// tile's output, held until its store ends.
void GlobalBuffer::release_input(const TileRef& ref) {
  for (Operand o : {kIfmap, kFilter}) change(o, -ref.tile->load_bytes[o]);
  input_slots_.release();
}

void GlobalBuffer::acquire_output(const TileRef& ref) {
  output_slots_.acquire();
  const int64_t results = output_region(*ref.tile) - ref.tile->load_bytes[kOfmap];
  wait_for_ofmap_room(results);
  change(kOfmap, results);
}

void GlobalBuffer::release_output(const TileRef& ref) {
  change(kOfmap, -output_region(*ref.tile));
  output_slots_.release();
  room_.notify(sc_core::SC_ZERO_TIME);
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
  const PerOperand bytes = ref.load_bytes();
  for (Operand o : {kIfmap, kFilter, kOfmap}) add(ref.layer, o, 0, bytes[o]);
}

void GlobalBuffer::count_store(const TileRef& ref) {
  add(ref.layer, kOfmap, ref.tile->store_bytes, 0);
}

}  // namespace duet::hw
