#include "sim/systolic_timing.hpp"

#include <algorithm>

namespace duet {

int64_t fold_cycles(Dataflow dataflow, int64_t rows, int64_t cols, int64_t t) {
  if (dataflow == Dataflow::kOutputStationary) return rows + cols + t - 2;
  return 2 * rows + cols + t - 2;
}

int64_t fold_progress_cycles(Dataflow dataflow, int64_t rows, int64_t cols, int64_t t,
                             int64_t t_end, bool fold_done) {
  if (fold_done) return fold_cycles(dataflow, rows, cols, t);
  if (t_end <= 0) return 0;
  // Element t_end-1 enters the last row (skewed by rows-1) after the preload; in OS the
  // top operand is skewed over the columns too.
  if (dataflow == Dataflow::kOutputStationary) return std::max(rows, cols) + t_end - 1;
  return 2 * rows + t_end - 1;
}

}  // namespace duet
