#include "sim/cost/power_profile.hpp"

#include <algorithm>

namespace duet {

// Buffer accesses are taken at the bank width, unrounded: the layer totals round per tile,
// the profile spreads energy in time only.
PowerProfile::PowerProfile(const CostModel& model)
    : model_(&model),
      read_pj_per_byte_(model.buffer_access_pj(false) /
                        static_cast<double>(model.config().bank_width_bytes)),
      write_pj_per_byte_(model.buffer_access_pj(true) /
                         static_cast<double>(model.config().bank_width_bytes)),
      bins_(static_cast<std::size_t>(kMaxWindows), 0.0) {}

double PowerProfile::energy_j(Activity activity, const Tile& t) const {
  switch (activity) {
    case Activity::kCompute: {
      double buffer_pj = 0;
      for (int o = 0; o < 3; ++o) {
        buffer_pj += t.work.buffer_read_bytes[o] * read_pj_per_byte_ +
                     t.work.buffer_write_bytes[o] * write_pj_per_byte_;
      }
      return model_->compute_energy(t.work, {}, {}).total() + buffer_pj * 1e-12;
    }
    case Activity::kLoad:
      return model_->transfer_energy(t.total_load_bytes(), 0).total() +
             t.total_load_bytes() * write_pj_per_byte_ * 1e-12;
    case Activity::kStore:
      return model_->transfer_energy(0, t.store_bytes).total() +
             t.store_bytes * read_pj_per_byte_ * 1e-12;
  }
  return 0;
}

void PowerProfile::cover(int64_t last_cycle) {
  while (last_cycle / window_ >= kMaxWindows) {
    for (std::size_t i = 0; i < bins_.size() / 2; ++i) bins_[i] = bins_[2 * i] + bins_[2 * i + 1];
    std::fill(bins_.begin() + static_cast<std::ptrdiff_t>(bins_.size() / 2), bins_.end(), 0.0);
    window_ *= 2;
  }
}

void PowerProfile::add(Activity activity, const Tile& tile, int64_t start_cycle, int64_t cycles) {
  const int64_t length = std::max<int64_t>(1, cycles);
  const int64_t end = start_cycle + length;
  cover(end - 1);
  const double per_cycle = energy_j(activity, tile) / static_cast<double>(length);
  for (int64_t c = start_cycle; c < end;) {
    const int64_t until = std::min(end, (c / window_ + 1) * window_);
    bins_[static_cast<std::size_t>(c / window_)] += per_cycle * static_cast<double>(until - c);
    c = until;
  }
}

double PowerProfile::busiest_window_j() const {
  return *std::max_element(bins_.begin(), bins_.end());
}

}  // namespace duet
