#pragma once
#include "sim/accelerator_config.hpp"
#include "sim/layer_plan.hpp"

namespace duet {

// Fills plan.tiles for a conv2d / gemm / matmul layer (see docs/architecture.md, "Mapping").
void map_pe_layer(const AcceleratorConfig& config, const Layer& layer, LayerPlan& plan);

}  // namespace duet
