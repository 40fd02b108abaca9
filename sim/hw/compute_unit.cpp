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
    buffer_.output_slots().acquire();
    const int64_t start = job_->now();
    const int64_t used = compute(ref);
    LayerStats& stats = job_->stats[ref.layer];
    account(stats, used);
    stats.work += ref.tile->work;
    job_->record(track_, ref.layer, start, used);
    job_->record_activity(PowerProfile::Activity::kCompute, *ref.tile, start, used);
    buffer_.count_compute(ref);
    buffer_.input_slots().release();
    dma_.store(ref);
  }
}

}  // namespace duet::hw
