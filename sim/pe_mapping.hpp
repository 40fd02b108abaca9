#pragma once
#include <vector>

#include "sim/accelerator_config.hpp"
#include "sim/layer_plan.hpp"

namespace duet {

// Chooses the schedule of a conv2d / gemm / matmul layer (see docs/architecture.md, "Mapping")
// and fills plan's folds, schedule, stream_block and tile_count; builds no tile. With
// `ideal_memory` the schedule with the fewest compute cycles (SCALE-Sim's) always wins.
void plan_pe_layer(const AcceleratorConfig& config, const Layer& layer, bool ideal_memory,
                   const TileBudget& budget, LayerPlan& plan);

// The tiles of the schedule plan_pe_layer chose, in issue order.
std::vector<Tile> pe_layer_tiles(const AcceleratorConfig& config, const Layer& layer,
                                 const LayerPlan& plan);

}  // namespace duet
