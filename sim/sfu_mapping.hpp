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

// The layer's tiles, row blocks in order (at least plan.row_blocks of them when the buffer
// allows).
std::vector<Tile> sfu_layer_tiles(const AcceleratorConfig& config, const Layer& layer,
                                  const LayerPlan& plan);

// Whether the op's rows are consecutive runs of its output and of each same-sized input, so
// that a row block can start as soon as its rows of the inputs are stored, and its consumers
// once it is (the overlap schedule). Pooling and axis-wise softmax read across rows.
bool rows_in_order(const Layer& layer);

}  // namespace duet
