#include "models/coexplore/hardware_choices.hpp"

#include <cmath>

#include "sim/dse/sampled_hardware.hpp"
#include "workloads/input_error.hpp"

namespace duet::coexplore {

// The base accelerator's value of every hardware dimension, as a grid choice (the nearest on a
// log scale for numbers; a categorical value must be in the grid).
std::vector<int> mobile_hardware_choices(const SearchSpace& space) {
  const AcceleratorConfig mobile = load_accelerator("mobile");
  std::vector<int> choices;
  for (const auto& dim : space.hardware) {
    const Json v = hardware_dimension_value(mobile, dim.name);
    int best = -1;
    double distance = INFINITY;
    for (std::size_t i = 0; i < dim.values.size(); ++i) {
      const double d = v.is_number()
                           ? std::abs(std::log(dim.values[i].get<double>() / v.get<double>()))
                           : (dim.values[i] == v ? 0.0 : INFINITY);
      if (d < distance) distance = d, best = static_cast<int>(i);
    }
    if (best < 0) {
      throw InputError(space.path + ": hardware." + dim.name + ": the mobile baseline's value " +
                       v.dump() + " is not among the space's choices");
    }
    choices.push_back(best);
  }
  return choices;
}

int64_t hardware_grid_size(const SearchSpace& space) {
  int64_t n = 1;
  for (const auto& dim : space.hardware) n *= static_cast<int64_t>(dim.values.size());
  return n;
}

}  // namespace duet::coexplore
