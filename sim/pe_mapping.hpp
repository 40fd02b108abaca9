#pragma once
#include "sim/accelerator_config.hpp"
#include "sim/layer_plan.hpp"

namespace duet {

// Fills plan.tiles for a conv2d / gemm / matmul layer (see docs/architecture.md, "Mapping").
// With `ideal_memory` the schedule with the fewest compute cycles (SCALE-Sim's) always wins.
void map_pe_layer(const AcceleratorConfig& config, const Layer& layer, bool ideal_memory,
                  TileBudget& budget, LayerPlan& plan);

}  // namespace duet
