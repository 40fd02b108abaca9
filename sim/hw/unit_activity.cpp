#include "sim/hw/unit_activity.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace duet::hw {

void UnitActivity::reset(int64_t start, std::size_t layers) {
  exposed_sfu_by_layer_.assign(layers, 0);
  running_ = {};
  layer_ = {};
  tail_end_.fill(start);
  busy_ = {};
  exposed_sfu_ = exposed_memory_ = compute_busy_ = 0;
  last_ = start;
}

void UnitActivity::advance(int64_t now) {
  const int64_t from = last_, dt = now - last_;
  last_ = now;
  if (dt <= 0) return;
  // Over [from, now) nothing starts or stops: each unit is busy for all of it while running,
  // and for a prefix of it while its tail drains.
  std::array<int64_t, kUnitCount> busy{};
  for (int u = 0; u < kUnitCount; ++u) {
    busy[u] = running_[u] > 0 ? dt : std::clamp<int64_t>(tail_end_[u] - from, 0, dt);
    busy_[u] += busy[u];
  }
  const int64_t compute = std::max(busy[kPeArray], busy[kSfu]);
  compute_busy_ += compute;
  const int64_t exposed = std::max<int64_t>(0, busy[kSfu] - busy[kPeArray]);
  exposed_sfu_ += exposed;
  exposed_sfu_by_layer_[static_cast<std::size_t>(layer_[kSfu])] += exposed;
  if (running_[kDmaIn] > 0 || running_[kDmaOut] > 0) exposed_memory_ += dt - compute;
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

void UnitActivity::stop(UnitId unit, int64_t now, int64_t tail) {
  advance(now);
  --running_[unit];
  tail_end_[unit] = std::max(tail_end_[unit], now + tail);
}

}  // namespace duet::hw
