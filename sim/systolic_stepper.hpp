#pragma once
// Register-level model of one fold on an R x C systolic array, advanced one clock at a time.
// It moves real operand values through the PE registers, so tests can check both its cycle
// count (against systolic_timing) and its numerical result (against a plain matrix product).
// Only the `--fidelity cycle` mode and tests use it; the fast mode uses the closed forms.
#include <cstdint>
#include <vector>

#include "sim/accelerator_config.hpp"

namespace duet {

class SystolicStepper {
 public:
  // WS / IS: `stationary` is active_rows x active_cols, `stream` is t x active_rows; the result
  // is t x active_cols. OS: `stream` (left) is active_rows x t and `stationary` (top) is
  // t x active_cols; the result is active_rows x active_cols. Empty matrices mean zeros (timing
  // only). Row-major.
  SystolicStepper(Dataflow dataflow, int64_t rows, int64_t cols, int64_t active_rows,
                  int64_t active_cols, int64_t t, std::vector<int64_t> stationary = {},
                  std::vector<int64_t> stream = {});

  void step();
  int64_t cycle() const { return cycle_; }
  // Number of stream indices that have entered every row (and, in OS, every column).
  int64_t injected() const;
  bool done() const;
  const std::vector<int64_t>& result() const { return result_; }

 private:
  struct Reg {
    int64_t value = 0;
    int64_t index = -1;  // stream index carried, -1 when empty
  };
  Reg inject_row(int64_t r, int64_t s) const;
  Reg inject_col(int64_t c, int64_t s) const;
  void step_stationary();
  void step_output_stationary();
  Reg& at(std::vector<Reg>& grid, int64_t r, int64_t c) { return grid[r * cols_ + c]; }

  Dataflow dataflow_;
  int64_t rows_, cols_, active_rows_, active_cols_, t_;
  std::vector<int64_t> stationary_, stream_;
  int64_t cycle_ = 0;
  int64_t outputs_ = 0;          // WS/IS: outputs that left the bottom row
  std::vector<Reg> horizontal_;  // operand moving left to right
  std::vector<Reg> vertical_;    // psums (WS/IS) or top operand (OS) moving down
  std::vector<int64_t> weights_;
  std::vector<int64_t> macs_done_;  // OS: accumulations per PE
  std::vector<int64_t> result_;
};

}  // namespace duet
