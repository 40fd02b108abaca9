#include "sim/hw/compute_unit.hpp"

#include <algorithm>

namespace duet::hw {

ComputeUnit::ComputeUnit(sc_core::sc_module_name name, GlobalBuffer& buffer, Dma& dma,
                         TraceTrack track)
    : sc_module(name), tiles("tiles"), buffer_(buffer), dma_(dma), track_(track) {
  SC_HAS_PROCESS(ComputeUnit);
  SC_THREAD(run);
  draining_.deliver = [this](const TileRef& ref) { dma_.store(ref); };
}

void ComputeUnit::end_draining_slice(int64_t now) {
  if (draining_slice_.cycles == 0) return;
  const int64_t end = std::min(now, draining_slice_.start_cycle + draining_slice_.cycles);
  job_->record(static_cast<TraceTrack>(draining_slice_.track), draining_slice_.layer,
               draining_slice_.start_cycle, end - draining_slice_.start_cycle);
  draining_slice_ = {};
}

void ComputeUnit::run() {
  while (true) {
    TileRef ref = tiles.read();
    const Unit kind = (*job_->plans)[ref.layer].unit;
    job_->unit_took(kind);
    ++job_->running[static_cast<std::size_t>(kind)];  // busy, even while it waits for room
    buffer_.acquire_output(ref);
    const int64_t start = job_->now();
    // The previous tile's drain that this one hides is counted once, as this tile's.
    if (results_at_ > start) account(job_->stats[results_layer_], start - results_at_);
    end_draining_slice(start);
    const auto unit = track_ == kTraceSfu ? UnitActivity::kSfu : UnitActivity::kPeArray;
    job_->activity.start(unit, ref.layer, start);
    const Busy busy = compute(ref);
    const int64_t now = job_->now();
    job_->activity.stop(unit, now, busy.drain);
    --job_->running[static_cast<std::size_t>(kind)];
    LayerStats& stats = job_->stats[ref.layer];
    account(stats, busy.occupied + busy.drain);
    stats.work += ref.tile->work;
    // A draining tile's trace slice ends when its results are out or the next tile enters,
    // whichever is first, so that the unit's slices never overlap.
    if (busy.drain == 0) {
      job_->record(track_, ref.layer, start, busy.occupied);
    } else {
      draining_slice_ = {track_, ref.layer, start, busy.occupied + busy.drain};
    }
    job_->record_activity(PowerProfile::Activity::kCompute, *ref.tile, start,
                          busy.occupied + busy.drain);
    buffer_.count_compute(ref);
    buffer_.release_input(ref);
    job_->state_changed();
    results_at_ = now + busy.drain;
    results_layer_ = ref.layer;
    if (busy.drain == 0) {
      dma_.store(ref);
    } else {
      draining_.push(sc_core::sc_time_stamp() + cycles(busy.drain), ref);
    }
  }
}

}  // namespace duet::hw
