#pragma once
#include "sim/accelerator_config.hpp"
#include "sim/layer_plan.hpp"

namespace duet {

// Fills plan.tiles for an element-wise, pooling or non-linear layer run on the SFU, and for
// embedding lookups, which only move memory.
void map_sfu_layer(const AcceleratorConfig& config, const Layer& layer, TileBudget& budget,
                   LayerPlan& plan);

}  // namespace duet
