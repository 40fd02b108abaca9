#include "sim/hw/unit_activity.hpp"

#include <stdexcept>
#include <string>

namespace duet::hw {

void UnitActivity::reset(int64_t start, std::size_t layers) {
  exposed_sfu_by_layer_.assign(layers, 0);
  running_ = {};
  layer_ = {};
  busy_ = {};
  exposed_sfu_ = exposed_memory_ = compute_busy_ = 0;
  last_ = start;
}

void UnitActivity::advance(int64_t now) {
  const int64_t dt = now - last_;
  last_ = now;
  if (dt <= 0) return;
  for (int u = 0; u < kUnitCount; ++u) {
    if (running_[u] > 0) busy_[u] += dt;
  }
  const bool pe = running_[kPeArray] > 0, sfu = running_[kSfu] > 0;
  if (pe || sfu) compute_busy_ += dt;
  if (sfu && !pe) {
    exposed_sfu_ += dt;
    exposed_sfu_by_layer_[static_cast<std::size_t>(layer_[kSfu])] += dt;
  }
  if (!pe && !sfu && (running_[kDmaIn] > 0 || running_[kDmaOut] > 0)) exposed_memory_ += dt;
}

void UnitActivity::start(UnitId unit, int layer, int64_t now) {
  // Each unit works in order, one tile at a time; anything else is a bug in the model.
  if (running_[unit] > 0) {
    throw std::logic_error("unit " + std::to_string(unit) + " started a tile of layer " +
                           std::to_string(layer) + " while busy with one of layer " +
                           std::to_string(layer_[unit]));
  }
  advance(now);
  ++running_[unit];
  layer_[unit] = layer;
}

void UnitActivity::stop(UnitId unit, int64_t now) {
  advance(now);
  --running_[unit];
}

}  // namespace duet::hw
