// The cycle model against RTL: tests/rtl/systolic_array.sv, built by Verilator for five array
// shapes, runs the operand folds that the mapper plans for small conv and GEMM layers (the
// folds `--fidelity cycle`'s stepper runs). For every fold and dataflow:
//   1. the RTL's outputs, summed over the folds, equal the layer computed directly (int8
//      operands, exact integer arithmetic);
//   2. the RTL's cycles, from the first preload or operand in to the last result out, equal the
//      stepper's and fold_cycles' (SCALE-Sim's), and the layer's folds add up to the compute
//      cycles `duet sim` reports in both fidelities.
// This covers the array's timing only: not the buffer, DMA, DRAM or SFU.
#include <gtest/gtest.h>

#include <iostream>
#include <random>
#include <string>

#include "Vsystolic_16x16.h"
#include "Vsystolic_1x8.h"
#include "Vsystolic_3x5.h"
#include "Vsystolic_4x4.h"
#include "Vsystolic_8x1.h"
#include "sim/mapper.hpp"
#include "sim/simulate.hpp"
#include "sim/systolic_stepper.hpp"
#include "sim/systolic_timing.hpp"
#include "test_util.hpp"
#include "verilated.h"

namespace duet {
namespace {

// One fold's operands, in SystolicStepper's layout: WS/IS stationary ar x ac and stream t x ar
// (result t x ac); OS stream ar x t and stationary t x ac (result ar x ac).
struct Fold {
  int64_t ar = 0, ac = 0, t = 0;
  std::vector<int64_t> stationary, stream;
  int64_t p0 = 0, f0 = 0, k0 = 0;  // where the result lands in the layer's P x F output
};

struct FoldRun {
  int64_t cycles = 0;
  std::vector<int64_t> result;
};

template <class Model>
void tick(Model& m) {
  m.clk = 0;
  m.eval();
  m.clk = 1;
  m.eval();
}

template <class Model>
FoldRun run_rtl(Model& m, int rows, int cols, Dataflow df, const Fold& f) {
  const bool os = df == Dataflow::kOutputStationary;
  m.mode = os ? 1 : df == Dataflow::kInputStationary ? 2 : 0;
  m.preload = 0;
  m.rst = 1;
  tick(m);
  m.rst = 0;
  FoldRun run;
  run.result.assign(os ? f.ar * f.ac : f.t * f.ac, 0);
  if (!os) {  // preload, the last row first
    m.preload = 1;
    for (int i = 0; i < rows; ++i) {
      const int64_t src = rows - 1 - i;
      for (int c = 0; c < cols; ++c)
        m.north_data[c] = src < f.ar && c < f.ac ? f.stationary[src * f.ac + c] : 0;
      tick(m);
      ++run.cycles;
    }
    m.preload = 0;
  }
  std::vector<int64_t> outputs(cols, 0);
  int64_t last_pe_macs = 0;
  const int64_t limit = 4 * (2 * rows + cols + f.t);  // a hang fails instead of looping
  for (int64_t s = 0; run.cycles < limit; ++s) {
    const bool live = s < f.t;
    for (int r = 0; r < rows; ++r) {
      m.west_valid[r] = live;
      const int64_t v = !live || r >= f.ar ? 0
                        : os               ? f.stream[r * f.t + s]
                                           : f.stream[s * f.ar + r];
      m.west_data[r] = static_cast<uint8_t>(v);
    }
    for (int c = 0; c < cols; ++c) {
      m.north_valid[c] = os && live;
      m.north_data[c] =
          static_cast<uint8_t>(os && live && c < f.ac ? f.stationary[s * f.ac + c] : 0);
    }
    tick(m);
    ++run.cycles;
    if (os) {
      if (m.last_pe_mac && ++last_pe_macs == f.t) break;
      continue;
    }
    for (int c = 0; c < cols; ++c) {
      if (!m.south_valid[c]) continue;
      const int64_t k = outputs[c]++;
      if (c < f.ac) run.result[k * f.ac + c] = static_cast<int32_t>(m.south_psum[c]);
    }
    if (outputs[cols - 1] == f.t) break;
  }
  if (os) {
    for (int64_t r = 0; r < f.ar; ++r)
      for (int64_t c = 0; c < f.ac; ++c)
        run.result[r * f.ac + c] = static_cast<int32_t>(m.accumulator[r][c]);
  }
  return run;
}

// A layer's im2col view with random int8 operands, and its output computed directly.
struct Layer2d {
  Workload workload;
  int64_t p = 0, k = 0, f = 0;
  std::vector<int64_t> x;         // P x K (im2col of the input, padding as zeros)
  std::vector<int64_t> w;         // K x F
  std::vector<int64_t> expected;  // P x F, computed without im2col
};

Layer2d conv_layer(int64_t c, int64_t h, int64_t wd, int64_t kernel, int64_t stride, int64_t pad,
                   int64_t filters, uint32_t seed) {
  Layer2d l;
  l.workload = test::conv_workload(h, wd, kernel, kernel, c, filters, stride, {pad, pad, pad, pad});
  const Shape& out = l.workload.layers[0].output_shape;
  const int64_t ho = out[2], wo = out[3];
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> int8(-128, 127);
  std::vector<int64_t> input(c * h * wd), weight(filters * c * kernel * kernel);
  for (auto& v : input) v = int8(rng);
  for (auto& v : weight) v = int8(rng);
  auto in = [&](int64_t ch, int64_t y, int64_t x) -> int64_t {
    return y < 0 || y >= h || x < 0 || x >= wd ? 0 : input[(ch * h + y) * wd + x];
  };
  l.p = ho * wo;
  l.k = c * kernel * kernel;
  l.f = filters;
  l.x.assign(l.p * l.k, 0);
  l.w.assign(l.k * l.f, 0);
  l.expected.assign(l.p * l.f, 0);
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t i = 0; i < kernel; ++i)
      for (int64_t j = 0; j < kernel; ++j) {
        const int64_t kk = (ch * kernel + i) * kernel + j;
        for (int64_t fi = 0; fi < filters; ++fi)
          l.w[kk * l.f + fi] = weight[((fi * c + ch) * kernel + i) * kernel + j];
        for (int64_t oy = 0; oy < ho; ++oy)
          for (int64_t ox = 0; ox < wo; ++ox)
            l.x[(oy * wo + ox) * l.k + kk] = in(ch, oy * stride - pad + i, ox * stride - pad + j);
      }
  for (int64_t fi = 0; fi < filters; ++fi)
    for (int64_t oy = 0; oy < ho; ++oy)
      for (int64_t ox = 0; ox < wo; ++ox) {
        int64_t sum = 0;
        for (int64_t ch = 0; ch < c; ++ch)
          for (int64_t i = 0; i < kernel; ++i)
            for (int64_t j = 0; j < kernel; ++j)
              sum += in(ch, oy * stride - pad + i, ox * stride - pad + j) *
                     weight[((fi * c + ch) * kernel + i) * kernel + j];
        l.expected[(oy * wo + ox) * l.f + fi] = sum;
      }
  return l;
}

Layer2d gemm_layer(int64_t m, int64_t n, int64_t k, uint32_t seed) {
  Layer2d l;
  l.workload = test::single_gemm(m, n, k);
  l.p = m, l.k = k, l.f = n;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> int8(-128, 127);
  l.x.resize(m * k);
  l.w.resize(k * n);
  for (auto& v : l.x) v = int8(rng);
  for (auto& v : l.w) v = int8(rng);
  l.expected.assign(m * n, 0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t kk = 0; kk < k; ++kk) l.expected[i * n + j] += l.x[i * k + kk] * l.w[kk * n + j];
  return l;
}

// The folds in the mapper's order (stream block, column fold, row fold), with their operands.
std::vector<Fold> folds_of(const Layer2d& l, Dataflow df, int64_t R, int64_t C, int64_t block) {
  const bool os = df == Dataflow::kOutputStationary, is = df == Dataflow::kInputStationary;
  const int64_t sr = os ? l.p : l.k, sc = is ? l.p : l.f, t = os ? l.k : is ? l.f : l.p;
  std::vector<Fold> folds;
  for (int64_t b0 = 0; b0 < t; b0 += block)
    for (int64_t c0 = 0; c0 < sc; c0 += C)
      for (int64_t r0 = 0; r0 < sr; r0 += R) {
        Fold f;
        f.ar = std::min(R, sr - r0), f.ac = std::min(C, sc - c0), f.t = std::min(block, t - b0);
        f.stationary.resize(os ? f.t * f.ac : f.ar * f.ac);
        f.stream.resize(f.ar * f.t);
        for (int64_t r = 0; r < f.ar; ++r)
          for (int64_t s = 0; s < f.t; ++s) {
            if (os)
              f.stream[r * f.t + s] = l.x[(r0 + r) * l.k + b0 + s];
            else if (is)
              f.stream[s * f.ar + r] = l.w[(r0 + r) * l.f + b0 + s];
            else
              f.stream[s * f.ar + r] = l.x[(b0 + s) * l.k + r0 + r];
          }
        for (int64_t c = 0; c < f.ac; ++c) {
          if (os) {
            for (int64_t s = 0; s < f.t; ++s)
              f.stationary[s * f.ac + c] = l.w[(b0 + s) * l.f + c0 + c];
          } else {
            for (int64_t r = 0; r < f.ar; ++r)
              f.stationary[r * f.ac + c] =
                  is ? l.x[(c0 + c) * l.k + r0 + r] : l.w[(r0 + r) * l.f + c0 + c];
          }
        }
        f.k0 = os ? b0 : r0;
        f.p0 = os ? r0 : is ? c0 : b0;
        f.f0 = os ? c0 : is ? b0 : c0;
        folds.push_back(std::move(f));
      }
  return folds;
}

// Adds a fold's result into the layer's P x F output.
void accumulate(const Fold& f, Dataflow df, const std::vector<int64_t>& result, int64_t F,
                std::vector<int64_t>& y) {
  const bool os = df == Dataflow::kOutputStationary, is = df == Dataflow::kInputStationary;
  const int64_t out_rows = os ? f.ar : f.t;
  for (int64_t i = 0; i < out_rows; ++i)
    for (int64_t c = 0; c < f.ac; ++c) {
      const int64_t v = result[i * f.ac + c];
      if (os)
        y[(f.p0 + i) * F + f.f0 + c] += v;
      else if (is)
        y[(f.p0 + c) * F + f.f0 + i] += v;
      else
        y[(f.p0 + i) * F + f.f0 + c] += v;
    }
}

int64_t compute_cycles(const AcceleratorConfig& c, const Workload& w, Fidelity fidelity) {
  SimOptions o;
  o.fidelity = fidelity;
  o.ideal_memory = true;
  return simulate(c, w, o).layers[0].compute_cycles;
}

// Counts of what was compared, printed per array (each test may run in its own process).
struct Tally {
  int64_t layers = 0, folds = 0, outputs = 0;
};

template <class Model>
void check_array(int rows, int cols) {
  VerilatedContext context;
  Model model(&context);
  Tally tally;
  const Layer2d layers[] = {conv_layer(3, 6, 6, 3, 1, 1, 5, 1), conv_layer(4, 9, 9, 3, 2, 0, 6, 2),
                            gemm_layer(10, 7, 12, 3)};
  for (const Dataflow df :
       {Dataflow::kWeightStationary, Dataflow::kOutputStationary, Dataflow::kInputStationary}) {
    AcceleratorConfig config = test::array_config(rows, cols, df);
    config.buffer_kib = 16;
    for (const Layer2d& l : layers) {
      SCOPED_TRACE(std::to_string(rows) + "x" + std::to_string(cols) + " " + dataflow_name(df) +
                   " " + l.workload.name + " P,K,F=" + std::to_string(l.p) + "," +
                   std::to_string(l.k) + "," + std::to_string(l.f));
      const LayerPlan plan = map_workload(config, l.workload, true).at(0);
      const std::string prefix = "stream-blocked:";
      const bool os = df == Dataflow::kOutputStationary;
      const int64_t t = os ? l.k : df == Dataflow::kInputStationary ? l.f : l.p;
      const int64_t block =
          plan.schedule.rfind(prefix, 0) == 0 ? std::stoll(plan.schedule.substr(prefix.size())) : t;
      const std::vector<Fold> folds = folds_of(l, df, rows, cols, block);
      // The mapper plans the same folds, in the same order.
      const std::vector<Tile> tiles = layer_tiles(config, l.workload.layers.at(0), plan);
      std::vector<const Tile*> starts;
      for (const Tile& tile : tiles)
        if (tile.fold_start) starts.push_back(&tile);
      ASSERT_EQ(starts.size(), folds.size());
      std::vector<int64_t> y(l.p * l.f, 0);
      int64_t cycles = 0;
      for (std::size_t i = 0; i < folds.size(); ++i) {
        const Fold& f = folds[i];
        EXPECT_EQ(starts[i]->active_rows, f.ar);
        EXPECT_EQ(starts[i]->active_cols, f.ac);
        EXPECT_EQ(starts[i]->fold_stream, f.t);
        const FoldRun rtl = run_rtl(model, rows, cols, df, f);
        SystolicStepper stepper(df, rows, cols, f.ar, f.ac, f.t, f.stationary, f.stream);
        int64_t stepped = 0;
        while (!stepper.done()) stepper.step(), ++stepped;
        EXPECT_EQ(rtl.cycles, stepped) << "fold " << i;
        EXPECT_EQ(rtl.cycles, fold_cycles(df, rows, cols, f.t)) << "fold " << i;
        EXPECT_EQ(rtl.result, stepper.result()) << "fold " << i;
        accumulate(f, df, rtl.result, l.f, y);
        cycles += rtl.cycles;
      }
      EXPECT_EQ(y, l.expected);
      // SCALE-Sim counts a layer's last cycle index: the folds' sum minus one.
      EXPECT_EQ(cycles - 1, compute_cycles(config, l.workload, Fidelity::kFast));
      EXPECT_EQ(cycles - 1, compute_cycles(config, l.workload, Fidelity::kCycle));
      ++tally.layers;
      tally.folds += static_cast<int64_t>(folds.size());
      tally.outputs += l.p * l.f;
    }
  }
  EXPECT_EQ(tally.layers, 9);
  std::cout << "RTL cross-check " << rows << "x" << cols << ": " << tally.layers << " layer runs, "
            << tally.folds << " folds, " << tally.outputs << " outputs\n";
}

TEST(RtlSystolicArray, Square4x4) { check_array<Vsystolic_4x4>(4, 4); }
TEST(RtlSystolicArray, NonSquare3x5) { check_array<Vsystolic_3x5>(3, 5); }
TEST(RtlSystolicArray, OneRow1x8) { check_array<Vsystolic_1x8>(1, 8); }
TEST(RtlSystolicArray, OneColumn8x1) { check_array<Vsystolic_8x1>(8, 1); }
TEST(RtlSystolicArray, Large16x16) { check_array<Vsystolic_16x16>(16, 16); }

}  // namespace
}  // namespace duet
