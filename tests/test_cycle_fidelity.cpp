// The cycle-by-cycle mode steps a register-level systolic array. It must agree with the fast
// mode's closed forms exactly, and it must compute the right matrix product.
#include <gtest/gtest.h>

#include <random>

#include "sim/simulate.hpp"
#include "sim/systolic_stepper.hpp"
#include "sim/systolic_timing.hpp"
#include "test_util.hpp"

namespace duet {
namespace {

const Dataflow kDataflows[] = {Dataflow::kWeightStationary, Dataflow::kOutputStationary,
                               Dataflow::kInputStationary};

int64_t run_to_completion(SystolicStepper& s) {
  while (!s.done()) s.step();
  return s.cycle();
}

TEST(SystolicStepper, CycleCountMatchesFoldFormula) {
  for (Dataflow df : kDataflows) {
    for (auto [rows, cols, t] : {std::tuple{4, 4, 1}, {4, 4, 9}, {3, 7, 5}, {8, 2, 13}}) {
      SystolicStepper s(df, rows, cols, rows, cols, t);
      EXPECT_EQ(run_to_completion(s), fold_cycles(df, rows, cols, t))
          << dataflow_name(df) << " " << rows << "x" << cols << " T=" << t;
    }
  }
}

TEST(SystolicStepper, ProgressPointsMatchTiming) {
  for (Dataflow df : kDataflows) {
    SystolicStepper s(df, 5, 3, 5, 3, 11);
    for (int64_t t_end = 1; t_end <= 11; ++t_end) {
      while (s.injected() < t_end) s.step();
      EXPECT_EQ(s.cycle(), fold_progress_cycles(df, 5, 3, 11, t_end, false)) << t_end;
    }
  }
}

// Partial fold: only part of the array holds data, but every fold pays for the whole array.
TEST(SystolicStepper, ComputesTheMatrixProductOnPartialFolds) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int64_t> value(-9, 9);
  const int64_t rows = 6, cols = 5, ar = 4, ac = 3, t = 7;
  for (Dataflow df : kDataflows) {
    const bool os = df == Dataflow::kOutputStationary;
    // WS/IS: stream (t x ar) * stationary (ar x ac). OS: stream (ar x t) * stationary (t x ac).
    std::vector<int64_t> stream(ar * t), stationary(os ? t * ac : ar * ac);
    for (auto& x : stream) x = value(rng);
    for (auto& x : stationary) x = value(rng);
    SystolicStepper s(df, rows, cols, ar, ac, t, stationary, stream);
    EXPECT_EQ(run_to_completion(s), fold_cycles(df, rows, cols, t));
    const int64_t out_rows = os ? ar : t, reduce = os ? t : ar;
    for (int64_t i = 0; i < out_rows; ++i) {
      for (int64_t j = 0; j < ac; ++j) {
        int64_t expected = 0;
        for (int64_t k = 0; k < reduce; ++k) {
          expected += (os ? stream[i * t + k] : stream[i * ar + k]) * stationary[k * ac + j];
        }
        EXPECT_EQ(s.result()[i * ac + j], expected) << dataflow_name(df) << " " << i << "," << j;
      }
    }
  }
}

Report run(const AcceleratorConfig& c, const Workload& w, Fidelity f, bool ideal) {
  SimOptions o;
  o.fidelity = f;
  o.ideal_memory = ideal;
  return simulate(c, w, o);
}

TEST(CycleFidelity, SameCyclesAsFastModeOnSmallLayers) {
  const Workload workloads[] = {test::scalesim_conv(12, 12, 3, 3, 6, 20, 1),
                                test::scalesim_conv(15, 15, 3, 3, 5, 12, 2),
                                test::single_gemm(40, 24, 30)};
  for (Dataflow df : kDataflows) {
    AcceleratorConfig c = test::array_config(8, 8, df);
    c.buffer_kib = 16;  // forces several tiles per fold
    for (const auto& w : workloads) {
      for (bool ideal : {true, false}) {
        Report fast = run(c, w, Fidelity::kFast, ideal);
        Report cycle = run(c, w, Fidelity::kCycle, ideal);
        EXPECT_EQ(fast.cycles, cycle.cycles) << dataflow_name(df) << " ideal=" << ideal;
        EXPECT_EQ(fast.compute_cycles, cycle.compute_cycles) << dataflow_name(df);
        EXPECT_GT(cycle.compute_cycles, 0);
      }
    }
  }
}

}  // namespace
}  // namespace duet
