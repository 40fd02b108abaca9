#include "sim/hw/pe_array.hpp"

namespace duet::hw {

PeArray::Busy PeArray::compute(const TileRef& ref) {
  if (job_->options.fidelity == Fidelity::kCycle) return {step_cycles(ref), 0};
  wait(cycles(ref.tile->compute_cycles));
  return {ref.tile->compute_cycles, 0};
}

int64_t PeArray::step_cycles(const TileRef& ref) {
  const Tile& tile = *ref.tile;
  const AcceleratorConfig& cfg = *job_->config;
  if (tile.fold_start) {
    fold_ = std::make_unique<SystolicStepper>(cfg.dataflow, cfg.pe_rows, cfg.pe_cols,
                                              tile.active_rows, tile.active_cols, tile.fold_stream);
  }
  int64_t waited = 0;
  bool first = tile.layer_start;
  do {
    fold_->step();
    // SCALE-Sim's convention: a layer's first cycle overlaps the previous layer's last.
    if (first) {
      first = false;
      continue;
    }
    wait(cycles(1));
    ++waited;
  } while (!(tile.fold_end ? fold_->done() : fold_->injected() >= tile.stream_end));
  return waited;
}

}  // namespace duet::hw
