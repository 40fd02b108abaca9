// With ideal memory, a conv/GEMM layer's compute cycles equal SCALE-Sim v2's "Total Cycles".
// Expected values are computed by hand from REFERENCE.md's per-fold formulas.
#include <gtest/gtest.h>

#include "sim/simulate.hpp"
#include "sim/systolic_timing.hpp"
#include "test_util.hpp"

namespace duet {
namespace {

using test::array_config;

int64_t ideal_compute_cycles(int64_t rows, int64_t cols, Dataflow df, const Workload& w) {
  SimOptions o;
  o.ideal_memory = true;
  Report r = simulate(array_config(rows, cols, df), w, o);
  EXPECT_EQ(r.layers.size(), 1u);
  // With ideal memory the layer takes exactly its compute cycles.
  EXPECT_EQ(r.layers[0].cycles, r.layers[0].compute_cycles);
  return r.layers[0].compute_cycles;
}

TEST(SystolicTiming, FoldFormulas) {
  EXPECT_EQ(fold_cycles(Dataflow::kWeightStationary, 32, 32, 196), 290);
  EXPECT_EQ(fold_cycles(Dataflow::kOutputStationary, 32, 32, 144), 206);
  EXPECT_EQ(fold_cycles(Dataflow::kInputStationary, 32, 32, 32), 126);
}

// REFERENCE.md: 32x32, ifmap 16x16, 3x3, 16 -> 32 filters, stride 1.
TEST(SystolicTiming, ReferenceLayerMatchesScaleSim) {
  Workload w = test::scalesim_conv(16, 16, 3, 3, 16, 32, 1);
  EXPECT_EQ(ideal_compute_cycles(32, 32, Dataflow::kWeightStationary, w), 1449);
  EXPECT_EQ(ideal_compute_cycles(32, 32, Dataflow::kOutputStationary, w), 1441);
  EXPECT_EQ(ideal_compute_cycles(32, 32, Dataflow::kInputStationary, w), 4409);
}

// Stride 2 with SCALE-Sim's ceil output size (7x7 from 15x15, 3x3) and partial folds on 8x8:
// K = 45, P = 49, F = 12.
TEST(SystolicTiming, StridedLayerWithPartialFolds) {
  Workload w = test::scalesim_conv(15, 15, 3, 3, 5, 12, 2);
  EXPECT_EQ(w.layers[0].output_shape, (Shape{1, 12, 7, 7}));
  // WS: ceil(45/8)=6 x ceil(12/8)=2 folds x (2*8+8+49-2 = 71) - 1.
  EXPECT_EQ(ideal_compute_cycles(8, 8, Dataflow::kWeightStationary, w), 12 * 71 - 1);
  // OS: ceil(49/8)=7 x 2 folds x (8+8+45-2 = 59) - 1.
  EXPECT_EQ(ideal_compute_cycles(8, 8, Dataflow::kOutputStationary, w), 14 * 59 - 1);
  // IS: 6 x 7 folds x (16+8+12-2 = 34) - 1.
  EXPECT_EQ(ideal_compute_cycles(8, 8, Dataflow::kInputStationary, w), 42 * 34 - 1);
  // Non-square 8x4 array, WS: 6 x 3 folds x (16+4+49-2 = 67) - 1.
  EXPECT_EQ(ideal_compute_cycles(8, 4, Dataflow::kWeightStationary, w), 18 * 67 - 1);
}

// GEMM M=100, N=70, K=50 on 16x16 maps like a 1x1 conv with P=M, F=N.
TEST(SystolicTiming, GemmMatchesScaleSim) {
  Workload w = test::single_gemm(100, 70, 50);
  EXPECT_EQ(ideal_compute_cycles(16, 16, Dataflow::kWeightStationary, w), 20 * 146 - 1);
  EXPECT_EQ(ideal_compute_cycles(16, 16, Dataflow::kOutputStationary, w), 35 * 80 - 1);
  EXPECT_EQ(ideal_compute_cycles(16, 16, Dataflow::kInputStationary, w), 28 * 116 - 1);
}

// A stream too long for one buffer slot is cut into several tiles; the cycles must not change.
TEST(SystolicTiming, ChunkedStreamKeepsExactCycles) {
  Workload w = test::single_gemm(20000, 32, 32);
  AcceleratorConfig c = array_config(32, 32, Dataflow::kWeightStationary);
  c.buffer_kib = 64;
  SimOptions o;
  o.ideal_memory = true;
  Report r = simulate(c, w, o);
  EXPECT_GT(r.layers[0].tiles, r.layers[0].folds);
  EXPECT_EQ(r.layers[0].compute_cycles,
            fold_cycles(Dataflow::kWeightStationary, 32, 32, 20000) - 1);
}

}  // namespace
}  // namespace duet
