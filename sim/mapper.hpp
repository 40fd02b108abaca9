#pragma once
// Tiles every layer of a workload onto the accelerator: conv/GEMM/matmul in SCALE-Sim's im2col
// view on the PE array, everything else on the SFU, layouts as free views.
#include <vector>

#include "sim/accelerator_config.hpp"
#include "sim/layer_plan.hpp"
#include "workloads/workload.hpp"

namespace duet {

// Throws InputError naming the layer and the bytes needed when a layer's smallest tile does not
// fit its buffer partition.
std::vector<LayerPlan> map_workload(const AcceleratorConfig& config, const Workload& workload,
                                    bool ideal_memory = false,
                                    int64_t max_tiles = kDefaultMaxTiles);

}  // namespace duet
