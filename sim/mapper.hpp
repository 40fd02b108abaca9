#pragma once
// Tiles every layer of a workload onto the accelerator: conv/GEMM/matmul in SCALE-Sim's im2col
// view on the PE array, everything else on the SFU, layouts as free views.
#include <vector>

#include "sim/accelerator_config.hpp"
#include "sim/layer_plan.hpp"
#include "workloads/workload.hpp"

namespace duet {

// Plans every layer (unit, schedule, tile count) without building its tiles. Throws InputError
// naming the layer when its smallest tile does not fit its buffer partition, or when it needs
// more than `max_tiles` tiles. The plans are in the workload's layer order.
std::vector<LayerPlan> map_workload(const AcceleratorConfig& config, const Workload& workload,
                                    bool ideal_memory = false,
                                    int64_t max_tiles = kDefaultMaxTiles);

// The tiles of one planned layer (plan.tile_count of them), in issue order; none for fused
// layers and views. Built when the simulation reaches the layer, so that only one layer's
// tiles are in memory at a time.
std::vector<Tile> layer_tiles(const AcceleratorConfig& config, const Layer& layer,
                              const LayerPlan& plan);

}  // namespace duet
