#include "sim/hw/compute_unit.hpp"

namespace duet::hw {

ComputeUnit::ComputeUnit(sc_core::sc_module_name name, GlobalBuffer& buffer, Dma& dma,
                         TraceTrack track)
    : sc_module(name), tiles("tiles"), buffer_(buffer), dma_(dma), track_(track) {
  SC_HAS_PROCESS(ComputeUnit);
  SC_THREAD(run);
}

void ComputeUnit::run() {
  while (true) {
    TileRef ref = tiles.read();
    const Unit kind = (*job_->plans)[ref.layer].unit;
    job_->unit_took(kind);
    buffer_.acquire_output(ref);
    ++job_->running[static_cast<std::size_t>(kind)];
    const int64_t start = job_->now();
    const auto unit = track_ == kTraceSfu ? UnitActivity::kSfu : UnitActivity::kPeArray;
    job_->activity.start(unit, ref.layer, start);
    const int64_t used = compute(ref);
    job_->activity.stop(unit, job_->now());
    --job_->running[static_cast<std::size_t>(kind)];
    LayerStats& stats = job_->stats[ref.layer];
    account(stats, used);
    stats.work += ref.tile->work;
    job_->record(track_, ref.layer, start, used);
    job_->record_activity(PowerProfile::Activity::kCompute, *ref.tile, start, used);
    buffer_.count_compute(ref);
    buffer_.release_input(ref);
    job_->state_changed();
    dma_.store(ref);
  }
}

}  // namespace duet::hw
