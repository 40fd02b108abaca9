// NN-LUT: exact conversion, the shipped tables' targets, the hardware unit's timing, and bad
// table files.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "models/nnlut/relu_network.hpp"
#include "sim/sfu_unit.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"
#include "workloads/input_error.hpp"
#include "workloads/lut.hpp"
#include "workloads/zoo.hpp"

namespace duet {
namespace {

PiecewiseLinearLut shipped_lut(const std::string& function, int entries) {
  return load_lut(
      test::source_path("configs/luts/" + function + "-" + std::to_string(entries) + ".json"));
}

ApproximationError error_on_evaluation_range(LutFunction f,
                                             const std::function<double(double)>& g) {
  const auto [lo, hi] = evaluation_range(f);
  return measure_error(f, g, lo, hi, 200001, evaluation_log_spaced(f));
}

// The table is the network, rewritten: same output everywhere, to double rounding.
TEST(NnLut, ConversionIsExact) {
  std::mt19937 rng(3);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (int trial = 0; trial < 20; ++trial) {
    ReluNetwork net;
    for (int i = 0; i < 15; ++i) {
      net.w.push_back(normal(rng));
      net.b.push_back(normal(rng));
      net.v.push_back(normal(rng));
    }
    if (trial == 0) net.w[3] = 0.0;  // a constant neuron
    net.c = normal(rng);
    const PiecewiseLinearLut lut = network_to_lut(net, LutFunction::kGelu);
    ASSERT_EQ(lut.entries(), 16);
    ASSERT_NO_THROW(validate_lut(lut, "converted"));
    for (int i = 0; i <= 20000; ++i) {
      const double x = -10.0 + 20.0 * i / 20000;
      EXPECT_NEAR(lut.segment_value(x), net(x), 1e-12 * (1 + std::abs(net(x)))) << x;
    }
  }
}

// Targets at 16 entries (issue #4), on the shipped tables.
TEST(NnLut, ShippedSixteenEntryTablesMeetTheTargets) {
  const auto gelu = shipped_lut("gelu", 16);
  const auto exp = shipped_lut("exp", 16);
  const auto reciprocal = shipped_lut("reciprocal", 16);
  const auto rsqrt = shipped_lut("rsqrt", 16);
  const auto gelu_error = error_on_evaluation_range(LutFunction::kGelu, gelu);
  const auto exp_error = error_on_evaluation_range(LutFunction::kExp, exp);
  EXPECT_LE(gelu_error.max_abs, 0.01);
  EXPECT_LT(exp_error.max_abs, error_on_evaluation_range(LutFunction::kExp, ibert_exp).max_abs);
  EXPECT_LE(error_on_evaluation_range(LutFunction::kReciprocal, reciprocal).max_rel, 0.005);
  const auto rsqrt_error = error_on_evaluation_range(LutFunction::kRsqrt, rsqrt);
  EXPECT_LE(rsqrt_error.max_rel, 0.005);
  // Better than I-BERT wherever I-BERT has the function.
  EXPECT_LT(gelu_error.max_abs, error_on_evaluation_range(LutFunction::kGelu, ibert_gelu).max_abs);
  EXPECT_LT(rsqrt_error.max_rel,
            error_on_evaluation_range(LutFunction::kRsqrt, ibert_rsqrt).max_rel);
}

TEST(NnLut, MoreEntriesAreMoreAccurate) {
  for (const std::string f : {"gelu", "exp", "reciprocal", "rsqrt"}) {
    const LutFunction function = parse_lut_function(f, "test");
    double previous = INFINITY;
    for (int entries : {8, 16, 32}) {
      const auto lut = shipped_lut(f, entries);
      EXPECT_EQ(lut.entries(), entries);
      const double e = error_on_evaluation_range(function, lut).max_rel;
      EXPECT_LT(e, previous) << f << "-" << entries;
      previous = e;
    }
  }
}

TEST(NnLut, QuantizedTablesStayClose) {
  const auto gelu = shipped_lut("gelu", 16);
  for (auto p : {LutPrecision::kFp16, LutPrecision::kInt32}) {
    const auto q = quantized(gelu, p);
    EXPECT_EQ(q.precision, p);
    const double e = error_on_evaluation_range(LutFunction::kGelu, q).max_abs;
    EXPECT_LE(e, 0.02) << lut_precision_name(p);
  }
  EXPECT_EQ(round_to_half(1.0 + 1.0 / 4096), 1.0);  // below half's resolution at 1
  EXPECT_EQ(round_to_half(1.0 + 1.0 / 1024), 1.0 + 1.0 / 1024);
}

// The NN-LUT unit: one lookup per element per lane, 2 cycles of latency; a softmax of R rows of
// L elements on `lanes` lanes takes (documented in docs/sfu.md):
//   ALU pass:   (ceil(4RL / lanes) - 1) + depth    (max, subtract, sum, multiply)
//   exp pass:   (ceil(RL / lanes) - 1) + 2
//   1/x pass:   (ceil(R / lanes) - 1) + 2
TEST(NnLut, SoftmaxCyclesFollowTheFormula) {
  AcceleratorConfig c = test::shipped("mobile");
  c.sfu_kind = SfuKind::kNnlut;
  const int64_t rows = 64, len = 128, lanes = c.sfu_lanes, depth = c.sfu_pipeline_depth;
  WorkloadBuilder b("softmax");
  b.input("x", {1, rows, len});
  b.softmax("probs", "x");
  SimOptions o;
  o.ideal_memory = true;
  Report r = simulate(c, b.finish(), o);
  ASSERT_EQ(r.layers[0].tiles, 1);
  auto ceil_div = [](int64_t a, int64_t b) { return (a + b - 1) / b; };
  const int64_t expected = (ceil_div(4 * rows * len, lanes) - 1 + depth) +
                           (ceil_div(rows * len, lanes) - 1 + 2) + (ceil_div(rows, lanes) - 1 + 2);
  EXPECT_EQ(r.layers[0].sfu_cycles, expected);
  EXPECT_EQ(r.layers[0].work.sfu.exp, rows * len);
  EXPECT_EQ(r.layers[0].work.sfu.kind, SfuKind::kNnlut);
}

Report bert_with(SfuKind kind, int64_t seq) {
  AcceleratorConfig c = test::shipped("mobile");
  c.sfu_kind = kind;
  return simulate(c, zoo_workload("bert-base", {1, seq}));
}

TEST(NnLut, BertHasFewerSfuCyclesWithNnlutThanIbert) {
  const Report nnlut = bert_with(SfuKind::kNnlut, 128);
  const Report ibert = bert_with(SfuKind::kIbert, 128);
  const Report exact = bert_with(SfuKind::kExact, 128);
  EXPECT_LT(nnlut.sfu_cycles, ibert.sfu_cycles);
  EXPECT_LT(ibert.sfu_cycles, exact.sfu_cycles);
  EXPECT_LT(nnlut.cycles, ibert.cycles);
  // Same lanes, different units: the kind changes SFU area and energy.
  EXPECT_NE(nnlut.area.sfu, exact.area.sfu);
  EXPECT_LT(nnlut.energy.sfu, exact.energy.sfu);
  EXPECT_EQ(nnlut.compute_cycles, ibert.compute_cycles);  // the PE array is untouched
}

TEST(NnLut, ImplPerOpOverridesTheSfuKind) {
  Workload w = zoo_workload("bert-base", {1, 32});
  const Report automatic = simulate(test::shipped("mobile"), w);
  set_nonlinear_impl(w, NonlinearImpl::kNnlut);
  const Report forced = simulate(test::shipped("mobile"), w);
  EXPECT_LT(forced.sfu_cycles, automatic.sfu_cycles);
}

class BadLutFile : public ::testing::Test {
 protected:
  nlohmann::json table() {
    std::ifstream in(test::source_path("configs/luts/gelu-8.json"));
    return nlohmann::json::parse(in);
  }
  std::string error_for(const nlohmann::json& t) {
    const std::string path = dir_.file("bad.json", t.dump());
    auto r = test::run_duet("lut eval --lut " + path);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    return r.output;
  }
  test::TempDir dir_;
};

TEST_F(BadLutFile, UnsortedWrongLengthsAndNan) {
  auto t = table();
  std::swap(t["breakpoints"][1], t["breakpoints"][2]);
  EXPECT_NE(error_for(t).find("ascending"), std::string::npos);
  t = table();
  t["slopes"].erase(0);
  EXPECT_NE(error_for(t).find("slopes"), std::string::npos);
  t = table();
  t["breakpoints"].push_back(9.0);
  EXPECT_NE(error_for(t).find("breakpoints: expected 7"), std::string::npos);
  t = table();
  t["intercepts"][3] = nullptr;  // how JSON writers spell NaN
  EXPECT_NE(error_for(t).find("intercepts[3]"), std::string::npos);
  t = table();
  t["function"] = "softplus";
  EXPECT_NE(error_for(t).find("gelu, exp, reciprocal"), std::string::npos);
  // #21: a grid beyond fp32's range printed nan errors.
  const auto r = test::run_duet("lut eval --lut " + test::source_path("configs/luts/gelu-8.json") +
                                " --from -1e308 --to 1e308");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("[-1e30, 1e30]"), std::string::npos) << r.output;
}

TEST(NnLut, FitCommandWritesAValidTable) {
  test::TempDir dir;
  const std::string out = dir.path("exp-8.json");
  auto r = test::run_duet("lut fit --function exp --entries 8 --steps 400 --seed 1 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto lut = load_lut(out);
  EXPECT_EQ(lut.entries(), 8);
  EXPECT_EQ(lut.scaling, LutScaling::kExp);
  EXPECT_TRUE(lut.fit.contains("on_evaluation_range"));
  // Even a short fit beats a constant by far.
  EXPECT_LT(error_on_evaluation_range(LutFunction::kExp, lut).max_abs, 0.05);
}

}  // namespace
}  // namespace duet
