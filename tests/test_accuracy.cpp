// The accuracy study's pieces: the Fashion-MNIST loader, LUTs evaluated on tensors (which must
// agree with PiecewiseLinearLut::operator() bit for bit), and the study end to end on a subset.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

#include "models/data/fashion_mnist.hpp"
#include "models/nnlut/accuracy.hpp"
#include "models/nnlut/lut_torch.hpp"
#include "workloads/input_error.hpp"
#include "workloads/lut.hpp"

namespace duet {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    // The pid keeps concurrent runs (two build trees) apart.
    path_ = fs::temp_directory_path() /
            ("duet-accuracy-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

bool have_fashion_mnist() {
  return fs::exists(fashion_mnist_dir() + "/train-images-idx3-ubyte.gz");
}

// Interpolates the exact function at `entries + 1` evenly spaced knots over its fit interval,
// so the tests need no shipped (or fitted) table.
PiecewiseLinearLut sampled_lut(LutFunction f, int entries) {
  PiecewiseLinearLut lut;
  lut.function = f;
  lut.scaling = default_scaling(f);
  lut.saturate = default_saturate(f);
  std::tie(lut.fit_lo, lut.fit_hi) = fit_interval(f);
  auto knot = [&](int i) { return lut.fit_lo + (lut.fit_hi - lut.fit_lo) * i / entries; };
  for (int i = 0; i < entries; ++i) {
    const double x0 = knot(i), x1 = knot(i + 1);
    const double slope = (exact_function(f, x1) - exact_function(f, x0)) / (x1 - x0);
    lut.slopes.push_back(slope);
    lut.intercepts.push_back(exact_function(f, x0) - slope * x0);
    if (i > 0) lut.breakpoints.push_back(x0);
  }
  return lut;
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Inputs covering each scaling's interesting region: breakpoints themselves, both sides of the
// fit interval, range-reduction boundaries, extremes and subnormals.
std::vector<double> grid_for(const PiecewiseLinearLut& lut) {
  std::vector<double> xs;
  auto linear = [&](double lo, double hi, int n) {
    for (int i = 0; i <= n; ++i) xs.push_back(lo + (hi - lo) * i / n);
  };
  auto logarithmic = [&](double lo, double hi, int n) {
    for (int i = 0; i <= n; ++i) xs.push_back(lo * std::pow(hi / lo, static_cast<double>(i) / n));
  };
  for (double b : lut.breakpoints) {
    xs.insert(xs.end(), {b, std::nextafter(b, -INFINITY), std::nextafter(b, INFINITY)});
  }
  switch (lut.scaling) {
    case LutScaling::kNone:
      linear(-12, 12, 20000);
      break;
    case LutScaling::kExp:
      linear(-60, 2, 20000);
      for (int z = 0; z < 40; ++z) xs.push_back(-z * M_LN2);
      xs.insert(xs.end(), {-700.0, -744.0, -745.2, -760.0, -1e4, -0.0});
      break;
    case LutScaling::kPow2:
    case LutScaling::kPow4:
      logarithmic(1e-12, 1e12, 20000);
      logarithmic(1e-310, 1e-300, 50);  // subnormals
      for (int k = -40; k <= 40; ++k) xs.push_back(std::ldexp(1.0, k));
      xs.insert(xs.end(), {1e300, std::numeric_limits<double>::max(), 0.0, -0.0});
      if (lut.scaling == LutScaling::kPow2) {
        const std::size_t n = xs.size();
        for (std::size_t i = 0; i < n; ++i) xs.push_back(-xs[i]);
      } else {
        xs.insert(xs.end(), {-1.0, -1e-3});
      }
      break;
  }
  return xs;
}

template <typename T, typename Reference>
void expect_same(const std::vector<T>& xs, const std::vector<T>& got, Reference reference,
                 const std::string& what) {
  ASSERT_EQ(got.size(), xs.size()) << what;
  int mismatches = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double want = reference(xs[i]);
    const double have = got[i];
    if (have == want || (std::isnan(have) && std::isnan(want))) continue;
    if (++mismatches <= 5) {
      ADD_FAILURE() << what << ": x = " << std::hexfloat << xs[i] << " gives " << have
                    << ", operator() gives " << want << std::defaultfloat;
    }
  }
  EXPECT_EQ(mismatches, 0) << what << ": " << mismatches << " of " << xs.size() << " differ";
}

TEST(FashionMnist, ReadsTheFirstTrainingImages) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const ImageSet set = load_fashion_mnist(fashion_mnist_dir(), true, 100);
  EXPECT_EQ(set.count, 100);
  EXPECT_EQ(set.rows, 28);
  EXPECT_EQ(set.cols, 28);
  ASSERT_EQ(set.pixels.size(), 100u * 28 * 28);
  ASSERT_EQ(set.labels.size(), 100u);
  std::set<int> classes;
  for (uint8_t label : set.labels) {
    EXPECT_LE(label, 9);
    classes.insert(label);
  }
  EXPECT_GE(classes.size(), 8u) << "100 images should cover nearly every class";
  EXPECT_GT(*std::max_element(set.pixels.begin(), set.pixels.end()), 200);
}

TEST(FashionMnist, CorruptFilesNameTheFile) {
  TempDir dir;
  const std::string images = dir.file("train-images-idx3-ubyte.gz");
  const std::string labels = dir.file("train-labels-idx1-ubyte.gz");
  // Missing files.
  try {
    load_fashion_mnist(dir.path(), true, 10);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("train-images-idx3-ubyte.gz"), std::string::npos);
  }
  // gzread passes uncompressed bytes through, so plain files exercise the same parser.
  write_bytes(images, {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3});
  write_bytes(labels, {0, 0, 8, 1, 0, 0, 0, 2, 1, 2});
  try {
    load_fashion_mnist(dir.path(), true);
    FAIL() << "expected InputError for truncated pixels";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(images), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  write_bytes(images, {0x1f, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28});
  try {
    load_fashion_mnist(dir.path(), true);
    FAIL() << "expected InputError for a bad magic number";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(images), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("magic"), std::string::npos) << e.what();
  }
  std::vector<unsigned char> one_image = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2};
  one_image.insert(one_image.end(), {0, 0, 0, 0});
  write_bytes(images, one_image);
  write_bytes(labels, {0, 0, 8, 1, 0, 0, 0, 1, 12});
  EXPECT_THROW(load_fashion_mnist(dir.path(), true), InputError) << "label 12";
  write_bytes(labels, {0, 0, 8, 1, 0, 0, 0, 1, 7});
  const ImageSet tiny = load_fashion_mnist(dir.path(), true);
  EXPECT_EQ(tiny.count, 1);
  EXPECT_EQ(tiny.labels[0], 7);
}

TEST(LutTorch, MatchesOperatorForEveryScalingAndPrecision) {
  const LutFunction functions[] = {LutFunction::kGelu, LutFunction::kSigmoid, LutFunction::kExp,
                                   LutFunction::kReciprocal, LutFunction::kRsqrt};
  for (LutFunction f : functions) {
    for (LutPrecision p : {LutPrecision::kFp32, LutPrecision::kFp16, LutPrecision::kInt32}) {
      const PiecewiseLinearLut lut = quantized(sampled_lut(f, 16), p);
      const std::vector<double> xs = grid_for(lut);
      const std::string what = std::string(lut_function_name(f)) + " " + lut_precision_name(p);
      expect_same(xs, apply_lut(lut, xs), lut, what);

      // float32 in, float32 out: the double result rounded once.
      std::vector<float> xs_float;
      for (double v : xs) xs_float.push_back(static_cast<float>(std::clamp(v, -1e30, 1e30)));
      expect_same(
          xs_float, apply_lut(lut, xs_float), [&](float v) { return static_cast<float>(lut(v)); },
          what + " (float32)");
    }
  }
}

TEST(LutTorch, MatchesIbertApproximations) {
  for (LutFunction f : {LutFunction::kGelu, LutFunction::kExp, LutFunction::kRsqrt}) {
    PiecewiseLinearLut shape;  // only for its grid
    shape.scaling = default_scaling(f);
    std::vector<double> xs = grid_for(shape);
    // ibert_rsqrt converts x in Q15.16 to int64, which huge inputs overflow.
    xs.erase(std::remove_if(xs.begin(), xs.end(), [](double v) { return std::abs(v) > 1e12; }),
             xs.end());
    expect_same(
        xs, apply_ibert(f, xs), [&](double v) { return ibert_function(f, v); },
        std::string("i-") + lut_function_name(f));
  }
}

TEST(LutTorch, HalfRoundingMatches) {
  // An identity table at fp16 returns round_to_half(x): it exercises the rounding alone.
  PiecewiseLinearLut identity = sampled_lut(LutFunction::kGelu, 2);
  identity.slopes = {1, 1};
  identity.intercepts = {0, 0};
  identity.precision = LutPrecision::kFp16;
  std::vector<double> xs;
  for (int i = -200000; i <= 200000; ++i) xs.push_back(i * 3.3e-4 + 1e-9 * i);
  xs.insert(xs.end(), {65504.0, 65519.9, 65520.0, -1e6, 1e-8, 6e-8, 3e-8, -2.98e-8, 0.0, INFINITY,
                       -INFINITY});
  expect_same(xs, apply_lut(identity, xs), round_to_half, "round_to_half");
}

TEST(AccuracyStudy, RunsOnASubsetAndCachesTheWeights) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  TempDir dir;
  fs::create_directories(dir.file("luts"));
  for (LutFunction f :
       {LutFunction::kGelu, LutFunction::kExp, LutFunction::kReciprocal, LutFunction::kRsqrt}) {
    std::ofstream(dir.file("luts/" + std::string(lut_function_name(f)) + "-16.json"))
        << lut_to_json(sampled_lut(f, 16)).dump(2);
  }
  AccuracyOptions options;
  options.data_dir = fashion_mnist_dir();
  options.luts_dir = dir.file("luts");
  options.cache_path = dir.file("cache/vit.pt");
  options.train_limit = 2000;
  options.test_limit = 500;
  options.epochs = 1;
  options.entries = {16};
  options.precisions = {"fp32"};
  int64_t progress_calls = 0;
  options.progress = [&](const std::string&, int64_t, int64_t) { ++progress_calls; };

  const AccuracyStudy first = run_accuracy_study(options);
  EXPECT_FALSE(first.loaded_from_cache);
  EXPECT_GT(progress_calls, 0);
  EXPECT_EQ(first.train_images, 2000);
  EXPECT_EQ(first.test_images, 500);
  ASSERT_EQ(first.rows.size(), 3u);
  EXPECT_EQ(first.rows[0].method, "exact");
  EXPECT_EQ(first.rows[1].method, "nnlut");
  EXPECT_EQ(first.rows[1].entries, 16);
  EXPECT_EQ(first.rows[1].precision, "fp32");
  EXPECT_EQ(first.rows[2].method, "ibert");
  for (const auto& row : first.rows) EXPECT_GT(row.accuracy, 0.3) << row.method;
  EXPECT_TRUE(fs::exists(options.cache_path));
  EXPECT_TRUE(fs::exists(options.cache_path + ".json"));

  const AccuracyStudy cached = run_accuracy_study(options);
  EXPECT_TRUE(cached.loaded_from_cache);
  EXPECT_EQ(cached.rows[0].accuracy, first.rows[0].accuracy);

  options.seed = 1;  // different training: the cache must not be reused
  options.precisions = {};
  EXPECT_FALSE(run_accuracy_study(options).loaded_from_cache);
}

TEST(AccuracyStudy, RejectsBadOptionsBeforeTraining) {
  AccuracyOptions options;
  options.luts_dir = "/nonexistent";
  options.entries = {16};
  try {
    run_accuracy_study(options);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/gelu-16.json"), std::string::npos)
        << e.what();
  }
  options.entries = {};
  options.precisions = {"fp8"};
  EXPECT_THROW(run_accuracy_study(options), InputError);
  options.precisions = {};
  options.epochs = 0;
  EXPECT_THROW(run_accuracy_study(options), InputError);
}

}  // namespace
}  // namespace duet
