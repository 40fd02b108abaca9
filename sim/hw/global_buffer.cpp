#include "sim/hw/global_buffer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <tuple>

namespace duet::hw {

GlobalBuffer::GlobalBuffer(sc_core::sc_module_name name, CycleArbiter& arbiter)
    : sc_module(name), arbiter_(arbiter) {
  arbiter_.on_turn(CycleArbiter::kBuffer, [this] { grant(); });
}

void GlobalBuffer::start_job(Job* job) {
  job_ = job;
  const int slots = job->config->double_buffered ? 2 : 1;
  for (SlotPool& pool : input_slots_) pool.reset(slots);
  free_output_slots_.fill(slots);
  claims_.clear();
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

// Whether `bytes` more fit every partition (or it is empty: a tile larger than a partition is
// the mapper's to refuse). The slots alone would not ensure it: the units' slots share the
// partitions, and partial sums loaded into the ofmap partition by tiles waiting to compute add
// to the outputs of the tiles that hold the output slots.
bool GlobalBuffer::fits(const PerOperand& bytes) const {
  for (Operand o : {kIfmap, kFilter, kOfmap}) {
    if (bytes[o] > 0 && live_[o] > 0 && live_[o] + bytes[o] > capacity_[o]) return false;
  }
  return true;
}

// Takes the slot, then the room, as far as they are free; true once it holds both.
bool GlobalBuffer::take(Claim& claim) {
  if (claim.needs_slot) {
    if (free_output_slots_[index(claim.unit)] == 0) return false;
    --free_output_slots_[index(claim.unit)];
    claim.needs_slot = false;
  }
  if (!fits(claim.room)) return false;
  for (Operand o : {kIfmap, kFilter, kOfmap}) {
    if (claim.room[o] != 0) change(o, claim.room[o]);
  }
  return true;
}

bool GlobalBuffer::takes_at_once(const TileRef& ref) const {
  const Unit unit = (*job_->plans)[ref.layer].unit;
  if (ref.part != LoadPart::kRest && input_slots_[index(unit)].available() == 0) return false;
  return fits(ref.load_bytes());
}

// The PE array, the SFU, the DMA's bypass and the load engine's partial sums may all wait for
// the output slots and the ofmap partition, and one of them may free up in the cycle another is
// asked for. So claims are granted once the cycle is quiet (cycle_arbiter.hpp says why not in the
// order SystemC runs them), oldest first, and those of one cycle by rank: the SFU's outputs, the
// bypass's, the PE array's, partial sums, the order the model has always taken when they met (so
// its results stay as they were). The PE array's claim takes what is free at once when nothing
// can outrank it this cycle: no claim waits, and neither the SFU nor the bypass has a tile on
// its way (only one in hand could claim now).
void GlobalBuffer::wait_for(Claim claim) {
  if (claim.rank == kPeOutput && claims_.empty() &&
      job_->waiting[static_cast<std::size_t>(Unit::kSfu)] == 0 &&
      job_->waiting[static_cast<std::size_t>(Unit::kDmaOnly)] == 0 && take(claim))
    return;
  claim.cycle = job_->now();
  claims_.push_back(&claim);
  if (CycleArbiter::quiet()) {
    grant();
  } else {
    arbiter_.request(CycleArbiter::kBuffer);
  }
  while (!claim.granted) sc_core::wait(granted_);
}

void GlobalBuffer::grant() {
  std::sort(claims_.begin(), claims_.end(), [](const Claim* a, const Claim* b) {
    return std::tie(a->cycle, a->rank, a->layer) < std::tie(b->cycle, b->rank, b->layer);
  });
  bool granted = false;
  for (Claim* c : claims_) granted |= c->granted = take(*c);
  if (!granted) return;
  claims_.erase(std::remove_if(claims_.begin(), claims_.end(), [](Claim* c) { return c->granted; }),
                claims_.end());
  granted_.notify();  // their processes run in this delta cycle
}

// A tile takes its unit's input slot with its first load: the whole of it, or its prefetched
// weights.
void GlobalBuffer::acquire_input(const TileRef& ref) {
  const Unit unit = (*job_->plans)[ref.layer].unit;
  if (ref.part != LoadPart::kRest) input_slots_[index(unit)].acquire();
  const PerOperand bytes = ref.load_bytes();
  // Partial sums are granted in the buffer's turn, with the outputs they compete with.
  if (bytes[kOfmap] == 0 && fits(bytes)) {
    for (Operand o : {kIfmap, kFilter}) change(o, bytes[o]);
    return;
  }
  wait_for({kLoad, 0, ref.layer, unit, false, bytes});
}

// Loaded partial sums are accumulated in place and stored from there: that region is the
// tile's output, held until its store ends.
void GlobalBuffer::release_input(const TileRef& ref) {
  for (Operand o : {kIfmap, kFilter}) change(o, -ref.tile->load_bytes[o]);
  input_slots_[index((*job_->plans)[ref.layer].unit)].release();
  if (!claims_.empty()) arbiter_.request(CycleArbiter::kBuffer);
}

void GlobalBuffer::acquire_output(const TileRef& ref) {
  const Unit unit = (*job_->plans)[ref.layer].unit;
  const Rank rank = unit == Unit::kPeArray ? kPeOutput
                    : unit == Unit::kSfu   ? kSfuOutput
                                           : kBypassOutput;
  wait_for({rank,
            0,
            ref.layer,
            unit,
            true,
            {0, 0, output_region(*ref.tile) - ref.tile->load_bytes[kOfmap]}});
}

void GlobalBuffer::release_output(const TileRef& ref) {
  change(kOfmap, -output_region(*ref.tile));
  ++free_output_slots_[index((*job_->plans)[ref.layer].unit)];
  if (!claims_.empty()) arbiter_.request(CycleArbiter::kBuffer);
  job_->state_changed();  // the room may let the controller issue a load
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
