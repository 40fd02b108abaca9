#include "models/coexplore/supernet.hpp"

#include <algorithm>

namespace duet::coexplore {

std::size_t SupernetImpl::slot(std::size_t b, const std::vector<int>& path) const {
  const auto& slots = allowed.at(b);
  const auto it = std::find(slots.begin(), slots.end(), path.at(b));
  TORCH_CHECK(it != slots.end(), "block ", b, " does not hold option ", path[b]);
  return static_cast<std::size_t>(it - slots.begin());
}

Supernet seeded_supernet(const NetworkFamily& family, uint64_t seed,
                         std::vector<std::vector<int>> allowed) {
  if (allowed.empty()) {
    for (const auto& block : family.blocks) {
      std::vector<int> all(block.options.size());
      for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
      allowed.push_back(all);
    }
  }
  torch::manual_seed(seed);
  if (family.kind == "vit") return Supernet(make_vit_supernet(family, std::move(allowed)));
  TORCH_CHECK(family.kind == "mbconv", "no supernet for the ", family.kind, " family");
  return Supernet(make_mbconv_supernet(family, std::move(allowed)));
}

}  // namespace duet::coexplore
