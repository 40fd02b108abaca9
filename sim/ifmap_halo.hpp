#pragma once
// The ifmap halo of a conv's stream chunks. A weight-stationary conv streams its output pixels
// (P, in N·Ho·Wo raster order) through the array in chunks that fit a buffer slot, and each
// chunk's ifmap is loaded from DRAM. Neighbouring output pixels read overlapping input windows,
// so a chunk reloads the input positions that the previous chunk also read: the halo.
#include <cstdint>

#include "workloads/workload.hpp"

namespace duet {

// Input positions (row, column; per input channel) read both by output pixels [a0, p0) and by
// output pixels [p0, p1) of `conv`, counted in p0's image. 0 when p0 starts an image. Windows
// are taken as contiguous: a dilated kernel's gaps are counted as read.
int64_t ifmap_halo_positions(const Layer& conv, int64_t a0, int64_t p0, int64_t p1);

}  // namespace duet
