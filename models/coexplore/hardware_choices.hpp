#pragma once
// A search space's hardware grid seen from the shipped baseline. Plain C++ (no evaluator), so
// that the study parser, which checks the baseline against the space, needs no libtorch.
#include <cstdint>
#include <vector>

#include "sim/dse/search_space.hpp"

namespace duet::coexplore {

// The `mobile` accelerator's value of every hardware dimension as a grid choice (the nearest
// on a log scale for numbers); InputError when a categorical value is not in the grid.
std::vector<int> mobile_hardware_choices(const SearchSpace& space);

// Number of points in the space's hardware grid (product of the dimensions' sizes).
int64_t hardware_grid_size(const SearchSpace& space);

}  // namespace duet::coexplore
