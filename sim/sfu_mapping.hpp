#pragma once
#include <vector>

#include "sim/accelerator_config.hpp"
#include "sim/layer_plan.hpp"

namespace duet {

// Plans an element-wise, pooling or non-linear layer run on the SFU, or an embedding lookup,
// which only moves memory: fills plan's unit and tile_count, and checks that a row fits the
// buffer; builds no tile.
void plan_sfu_layer(const AcceleratorConfig& config, const Layer& layer, const TileBudget& budget,
                    LayerPlan& plan);

// The layer's tiles, row blocks in order.
std::vector<Tile> sfu_layer_tiles(const AcceleratorConfig& config, const Layer& layer);

}  // namespace duet
