#pragma once
// Exact cycle counts of one fold on an R x C systolic array, in SCALE-Sim v2's convention
// (../shared/REFERENCE.md): WS and IS pay R cycles to preload the stationary operand, then the
// stream is skewed over R rows and drains over C columns; OS has no preload and drains its
// outputs while the next fold starts. Every fold pays for the whole array.
#include <cstdint>

#include "sim/accelerator_config.hpp"

namespace duet {

// Cycles of a whole fold that streams T elements.
int64_t fold_cycles(Dataflow dataflow, int64_t rows, int64_t cols, int64_t t);

// Cycles from the fold's start until stream elements [0, t_end) have entered every row/column
// of the array; with t_end == T and `fold_done`, the cycles until the fold completes. Tiles that
// split a fold's stream end at these points, so per-tile cycles add up to fold_cycles exactly.
int64_t fold_progress_cycles(Dataflow dataflow, int64_t rows, int64_t cols, int64_t t,
                             int64_t t_end, bool fold_done);

}  // namespace duet
