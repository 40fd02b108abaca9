#include "models/data/split.hpp"

#include <torch/torch.h>

#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "workloads/input_error.hpp"

namespace duet {
namespace {

ImageSet subset(const ImageSet& from, const std::vector<int64_t>& order, std::size_t first,
                std::size_t count) {
  ImageSet out;
  out.rows = from.rows;
  out.cols = from.cols;
  out.count = static_cast<int64_t>(count);
  const std::size_t pixels = static_cast<std::size_t>(from.rows * from.cols);
  out.pixels.resize(count * pixels);
  out.labels.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto src = static_cast<std::size_t>(order[first + i]);
    std::copy_n(from.pixels.begin() + src * pixels, pixels, out.pixels.begin() + i * pixels);
    out.labels[i] = from.labels[src];
  }
  return out;
}

}  // namespace

DataSplit load_split(const std::string& dir, const SplitOptions& options) {
  if (options.validation < 1) throw InputError("validation: must be at least 1 image");
  if (options.train_limit == 0) throw InputError("train_limit: must be positive (or < 0 for all)");
  if (options.test_limit == 0) throw InputError("test_limit: must be positive (or < 0 for all)");
  const ImageSet all = load_fashion_mnist(dir, true);
  if (options.validation >= all.count) {
    throw InputError("validation: " + std::to_string(options.validation) +
                     " images leave none for training (the training file has " +
                     std::to_string(all.count) + ")");
  }
  // Fisher-Yates with an explicit generator: std::shuffle's result differs between standard
  // libraries, and the split must be the same everywhere.
  std::vector<int64_t> order(static_cast<std::size_t>(all.count));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(options.split_seed);
  for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng() % (i + 1)]);

  DataSplit split;
  const auto held = static_cast<std::size_t>(options.validation);
  const std::size_t rest = order.size() - held;
  const std::size_t train =
      options.train_limit < 0 ? rest : std::min<std::size_t>(rest, options.train_limit);
  split.validation = subset(all, order, 0, held);
  split.train = subset(all, order, held, train);
  split.test = load_fashion_mnist(dir, false, options.test_limit);

  double sum = 0, square = 0;
  for (uint8_t p : split.train.pixels) {
    sum += p / 255.0;
    square += (p / 255.0) * (p / 255.0);
  }
  const double n = static_cast<double>(split.train.pixels.size());
  split.mean = sum / n;
  split.std = std::sqrt(std::max(1e-12, square / n - split.mean * split.mean));
  return split;
}

at::Tensor normalised_images(const ImageSet& set, double mean, double std) {
  // from_blob only borrows; the float conversion copies.
  return torch::from_blob(const_cast<uint8_t*>(set.pixels.data()),
                          {set.count, 1, set.rows, set.cols}, torch::kUInt8)
      .to(torch::kFloat)
      .div(255.0)
      .sub(mean)
      .div(std);
}

at::Tensor label_tensor(const ImageSet& set) {
  return torch::from_blob(const_cast<uint8_t*>(set.labels.data()), {set.count}, torch::kUInt8)
      .to(torch::kLong);
}

}  // namespace duet
