#pragma once
// Teacher and student on the simulator.
#include <string>

#include "models/recast/spec.hpp"
#include "sim/accelerator_config.hpp"

namespace duet::recast {

// MACs, layer counts and `duet sim` latency, energy and EDP of the 28x28 network and of its
// 224x224 ImageNet instance; without a config only the MACs and layers.
Json price_network(const NetworkSpec& spec, int64_t side, const AcceleratorConfig* config);

}  // namespace duet::recast
