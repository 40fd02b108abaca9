#pragma once
// A search-space sample's hardware: the base accelerator with the sampled dimensions applied.
#include "sim/accelerator_config.hpp"
#include "workloads/search_space.hpp"

namespace duet {

AcceleratorConfig sampled_accelerator(const AcceleratorConfig& base, const SearchSpace& space,
                                      const Sample& sample);

}  // namespace duet
