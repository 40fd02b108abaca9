#pragma once
// A search-space sample's hardware: the base accelerator with the sampled dimensions applied.
#include "sim/accelerator_config.hpp"
#include "sim/dse/search_space.hpp"

namespace duet {

AcceleratorConfig sampled_accelerator(const AcceleratorConfig& base, const SearchSpace& space,
                                      const Sample& sample);

// The value a config has for a hardware dimension (the inverse of sampled_accelerator), as
// the space file would write it: a number, or a string for dataflow and sfu_kind.
Json hardware_dimension_value(const AcceleratorConfig& config, const std::string& dimension);

// Fields outside the space's hardware dimensions on which `config` differs from `base`
// (e.g. "clock_ghz"): a model trained on the space has never seen other values there.
std::vector<std::string> fixed_field_differences(const AcceleratorConfig& base,
                                                 const AcceleratorConfig& config,
                                                 const SearchSpace& space);

}  // namespace duet
