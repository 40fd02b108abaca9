#include "sim/systolic_stepper.hpp"

#include <algorithm>

namespace duet {

SystolicStepper::SystolicStepper(Dataflow dataflow, int64_t rows, int64_t cols, int64_t active_rows,
                                 int64_t active_cols, int64_t t, std::vector<int64_t> stationary,
                                 std::vector<int64_t> stream)
    : dataflow_(dataflow),
      rows_(rows),
      cols_(cols),
      active_rows_(active_rows),
      active_cols_(active_cols),
      t_(t),
      stationary_(std::move(stationary)),
      stream_(std::move(stream)),
      horizontal_(rows * cols),
      vertical_(rows * cols),
      weights_(rows * cols, 0),
      macs_done_(rows * cols, 0) {
  if (dataflow_ == Dataflow::kOutputStationary) {
    result_.assign(active_rows_ * active_cols_, 0);
  } else {
    result_.assign(t_ * active_cols_, 0);
  }
}

SystolicStepper::Reg SystolicStepper::inject_row(int64_t r, int64_t s) const {
  // Row r sees stream element k at step k + r (the skew); rows past the active ones get zeros
  // but still carry the token, because the fold pays for the whole array.
  Reg reg;
  int64_t k = s - r;
  if (k < 0 || k >= t_) return reg;
  reg.index = k;
  if (!stream_.empty() && r < active_rows_) {
    reg.value = dataflow_ == Dataflow::kOutputStationary ? stream_[r * t_ + k]
                                                         : stream_[k * active_rows_ + r];
  }
  return reg;
}

SystolicStepper::Reg SystolicStepper::inject_col(int64_t c, int64_t s) const {
  Reg reg;
  int64_t k = s - c;
  if (k < 0 || k >= t_) return reg;
  reg.index = k;
  if (!stationary_.empty() && c < active_cols_) reg.value = stationary_[k * active_cols_ + c];
  return reg;
}

void SystolicStepper::step() {
  if (dataflow_ == Dataflow::kOutputStationary) {
    step_output_stationary();
  } else {
    step_stationary();
  }
  ++cycle_;
}

void SystolicStepper::step_stationary() {
  if (cycle_ < rows_) {
    // Preload: the stationary block shifts down one row per cycle, last row first.
    for (int64_t r = rows_ - 1; r > 0; --r) {
      for (int64_t c = 0; c < cols_; ++c) weights_[r * cols_ + c] = weights_[(r - 1) * cols_ + c];
    }
    int64_t src = rows_ - 1 - cycle_;
    for (int64_t c = 0; c < cols_; ++c) {
      bool active = !stationary_.empty() && src < active_rows_ && c < active_cols_;
      weights_[c] = active ? stationary_[src * active_cols_ + c] : 0;
    }
    return;
  }
  const int64_t s = cycle_ - rows_;
  // Update from the bottom-right so each register reads its neighbour's previous value.
  for (int64_t r = rows_ - 1; r >= 0; --r) {
    for (int64_t c = cols_ - 1; c >= 0; --c) {
      Reg a = c == 0 ? inject_row(r, s) : at(horizontal_, r, c - 1);
      Reg above = r == 0 ? Reg{} : at(vertical_, r - 1, c);
      Reg psum;
      if (a.index >= 0) {
        psum.index = a.index;
        psum.value = (r == 0 ? 0 : above.value) + a.value * weights_[r * cols_ + c];
      }
      at(horizontal_, r, c) = a;
      at(vertical_, r, c) = psum;
      if (r == rows_ - 1 && psum.index >= 0) {
        ++outputs_;
        if (c < active_cols_) result_[psum.index * active_cols_ + c] = psum.value;
      }
    }
  }
}

void SystolicStepper::step_output_stationary() {
  const int64_t s = cycle_;
  for (int64_t r = rows_ - 1; r >= 0; --r) {
    for (int64_t c = cols_ - 1; c >= 0; --c) {
      Reg a = c == 0 ? inject_row(r, s) : at(horizontal_, r, c - 1);
      Reg b = r == 0 ? inject_col(c, s) : at(vertical_, r - 1, c);
      at(horizontal_, r, c) = a;
      at(vertical_, r, c) = b;
      if (a.index >= 0 && b.index >= 0) {
        ++macs_done_[r * cols_ + c];
        if (r < active_rows_ && c < active_cols_)
          result_[r * active_cols_ + c] += a.value * b.value;
      }
    }
  }
}

int64_t SystolicStepper::injected() const {
  int64_t s = dataflow_ == Dataflow::kOutputStationary ? cycle_ : cycle_ - rows_;
  int64_t skew = dataflow_ == Dataflow::kOutputStationary ? std::max(rows_, cols_) : rows_;
  return std::clamp<int64_t>(s - skew + 1, 0, t_);
}

bool SystolicStepper::done() const {
  if (dataflow_ == Dataflow::kOutputStationary) return macs_done_.back() == t_;
  return outputs_ == t_ * cols_;
}

}  // namespace duet
