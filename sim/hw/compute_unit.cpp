#include "sim/hw/compute_unit.hpp"

namespace duet::hw {

ComputeUnit::ComputeUnit(sc_core::sc_module_name name, GlobalBuffer& buffer, Dma& dma,
                         TraceTrack track)
    : sc_module(name), tiles("tiles"), buffer_(buffer), dma_(dma), track_(track) {
  SC_HAS_PROCESS(ComputeUnit);
  SC_THREAD(run);
  draining_.deliver = [this](const TileRef& ref) { dma_.store(ref); };
}

void ComputeUnit::run() {
  while (true) {
    TileRef ref = tiles.read();
    const Unit kind = (*job_->plans)[ref.layer].unit;
    job_->unit_took(kind);
    buffer_.acquire_output(ref);
    ++job_->running[static_cast<std::size_t>(kind)];
    const int64_t start = job_->now();
    // The previous tile's drain that this one hides is counted once, as this tile's.
    if (results_at_ > start) account(job_->stats[results_layer_], start - results_at_);
    const auto unit = track_ == kTraceSfu ? UnitActivity::kSfu : UnitActivity::kPeArray;
    job_->activity.start(unit, ref.layer, start);
    const Busy busy = compute(ref);
    const int64_t now = job_->now();
    job_->activity.stop(unit, now, busy.drain);
    --job_->running[static_cast<std::size_t>(kind)];
    LayerStats& stats = job_->stats[ref.layer];
    account(stats, busy.occupied + busy.drain);
    stats.work += ref.tile->work;
    job_->record(track_, ref.layer, start, busy.occupied);
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
