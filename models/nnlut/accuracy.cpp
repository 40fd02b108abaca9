#include "models/nnlut/accuracy.hpp"

#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>

#include "models/archive_file.hpp"
#include "models/data/fashion_mnist.hpp"
#include "models/nnlut/encoder_layer.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/lut.hpp"

namespace duet {
namespace {

// Everything here that changes the trained weights is part of the cache key (training_key).
struct Architecture {
  int64_t patch = 7;
  int64_t width = 64;
  int64_t depth = 4;
  int64_t heads = 4;
  int64_t mlp_ratio = 2;
  double layer_norm_eps = 1e-5;
  int64_t batch = 128;
  double learning_rate = 1e-3;
  int64_t warmup_steps = 200;
};

constexpr int64_t kClasses = 10;
constexpr int64_t kEvalBatch = 256;
constexpr int kCacheFormat = 1;

// Patch embedding with a class token and learned positions, the encoder, a final LayerNorm and
// a linear classifier on the class token.
struct VitImpl : torch::nn::Module {
  VitImpl(const Architecture& a, int64_t image_side) : patch(a.patch) {
    const int64_t tokens = (image_side / a.patch) * (image_side / a.patch);
    embed = register_module("embed", TokenLinear(a.patch * a.patch, a.width));
    cls = register_parameter("cls", torch::zeros({1, 1, a.width}));
    position = register_parameter("position", torch::randn({1, tokens + 1, a.width}) * 0.02);
    for (int64_t i = 0; i < a.depth; ++i) {
      layers.push_back(
          register_module("layer" + std::to_string(i),
                          EncoderLayer(a.width, a.heads, a.mlp_ratio, a.layer_norm_eps)));
    }
    norm = register_module("norm", make_layer_norm(a.width, a.layer_norm_eps));
    head = register_module("head", torch::nn::Linear(a.width, kClasses));
    // Buffers, so the normalisation travels with the cached weights.
    pixel_mean = register_buffer("pixel_mean", torch::zeros({}));
    pixel_std = register_buffer("pixel_std", torch::ones({}));
  }

  // images: [batch, side, side] in [0, 1].
  torch::Tensor forward(const torch::Tensor& images, const NonlinearOps& ops) {
    const int64_t batch = images.size(0), grid = images.size(1) / patch;
    const torch::Tensor patches = ((images - pixel_mean) / pixel_std)
                                      .view({batch, grid, patch, grid, patch})
                                      .permute({0, 1, 3, 2, 4})
                                      .reshape({batch, grid * grid, patch * patch});
    torch::Tensor x = torch::cat({cls.expand({batch, 1, cls.size(2)}), embed(patches)}, 1);
    x = x + position;
    for (auto& layer : layers) x = layer->forward(x, ops);
    return head(ops.layer_norm(x, norm).select(1, 0));
  }

  int64_t patch;
  TokenLinear embed{nullptr};
  torch::nn::Linear head{nullptr};
  torch::Tensor cls, position, pixel_mean, pixel_std;
  std::vector<EncoderLayer> layers;
  torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(Vit);

struct Dataset {
  torch::Tensor images;  // float [n, side, side] in [0, 1]
  torch::Tensor labels;  // int64 [n]
  uint64_t fingerprint = 0;
};

Dataset to_tensors(const ImageSet& set, const std::string& dir, int64_t patch) {
  if (set.rows != set.cols || set.rows % patch != 0) {
    throw InputError(dir + ": images are " + std::to_string(set.rows) + "x" +
                     std::to_string(set.cols) + ", expected square with a side divisible by " +
                     std::to_string(patch));
  }
  Dataset d;
  // from_blob only borrows; the conversion to float copies before `set` can go away.
  d.images = torch::from_blob(const_cast<uint8_t*>(set.pixels.data()),
                              {set.count, set.rows, set.cols}, torch::kUInt8)
                 .to(torch::kFloat)
                 .div(255.0);
  std::vector<int64_t> labels(set.labels.begin(), set.labels.end());
  d.labels = torch::tensor(labels, torch::kLong);
  // FNV-1a over the data: a different data set with the same size must not reuse the cache.
  uint64_t h = 1469598103934665603ull;
  for (uint8_t b : set.pixels) h = (h ^ b) * 1099511628211ull;
  for (uint8_t b : set.labels) h = (h ^ b) * 1099511628211ull;
  d.fingerprint = h;
  return d;
}

Json training_key(const Architecture& a, const AccuracyOptions& options, const Dataset& train) {
  return Json{{"format", kCacheFormat},
              {"train_images", train.images.size(0)},
              {"train_limit", options.train_limit},
              {"data_fingerprint", std::to_string(train.fingerprint)},
              {"epochs", options.epochs},
              {"seed", options.seed},
              {"architecture",
               {{"kind", "vit"},
                {"patch", a.patch},
                {"width", a.width},
                {"depth", a.depth},
                {"heads", a.heads},
                {"mlp_ratio", a.mlp_ratio},
                {"layer_norm_eps", a.layer_norm_eps},
                {"pooling", "class-token"},
                {"norm", "pre-ln"}}},
              {"training",
               {{"optimizer", "adam"},
                {"batch", a.batch},
                {"learning_rate", a.learning_rate},
                {"schedule", "linear-warmup-cosine"},
                {"warmup_steps", a.warmup_steps}}}};
}

constexpr const char* kKeyName = "duet_training_key";

// The key is stored inside the weights file, so the one rename that publishes the weights also
// publishes what they were trained with; the sidecar is a readable copy of it.
bool load_cache(Vit& model, const std::string& path, const std::string& key) {
  if (!std::filesystem::exists(path)) return false;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    c10::IValue stored;
    if (!archive.try_read(kKeyName, stored) || !stored.isString() || stored.toStringRef() != key) {
      return false;
    }
    model->load(archive);
    return true;
  } catch (const c10::Error&) {
    return false;  // unreadable or from another architecture: retrain and overwrite
  }
}

void save_cache(Vit& model, const std::string& path, const Json& key) {
  torch::serialize::OutputArchive archive;
  model->save(archive);
  archive.write(kKeyName, c10::IValue(key.dump()));
  save_archive_atomically(archive, path, "weights cache");
  write_file_atomically(path + ".json", json_text(key, 2) + "\n");
}

void report(const AccuracyOptions& options, const std::string& stage, int64_t done, int64_t total) {
  if (options.progress) options.progress(stage, done, total);
}

void train(Vit& model, const Architecture& a, const Dataset& data, const AccuracyOptions& options) {
  const int64_t n = data.images.size(0);
  const int64_t steps_per_epoch = (n + a.batch - 1) / a.batch;
  const int64_t total_steps = steps_per_epoch * options.epochs;
  const int64_t warmup = std::min(a.warmup_steps, std::max<int64_t>(1, total_steps / 10));
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(a.learning_rate));
  const NonlinearOps ops = exact_ops();
  model->train();
  int64_t step = 0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    const torch::Tensor order = torch::randperm(n, torch::kLong);
    for (int64_t start = 0; start < n; start += a.batch, ++step) {
      // Warmup keeps the first Adam steps from blowing up the attention logits; the cosine tail
      // settles the weights in few epochs.
      const double lr = step < warmup
                            ? a.learning_rate * (step + 1) / warmup
                            : a.learning_rate * 0.5 *
                                  (1 + std::cos(M_PI * (step - warmup) /
                                                std::max<int64_t>(1, total_steps - warmup)));
      for (auto& group : optimizer.param_groups()) {
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
      }
      const torch::Tensor index = order.slice(0, start, std::min(n, start + a.batch));
      const torch::Tensor logits = model->forward(data.images.index_select(0, index), ops);
      const torch::Tensor loss =
          torch::nn::functional::cross_entropy(logits, data.labels.index_select(0, index));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      report(options, "train", step + 1, total_steps);
    }
  }
}

double evaluate(Vit& model, const Dataset& data, const NonlinearOps& ops,
                const AccuracyOptions& options, const std::string& stage) {
  torch::NoGradGuard no_grad;
  model->eval();
  const int64_t n = data.images.size(0);
  int64_t correct = 0;
  for (int64_t start = 0; start < n; start += kEvalBatch) {
    const int64_t end = std::min(n, start + kEvalBatch);
    const torch::Tensor predicted = model->forward(data.images.slice(0, start, end), ops).argmax(1);
    correct += predicted.eq(data.labels.slice(0, start, end)).sum().item<int64_t>();
    report(options, stage, end, n);
  }
  return static_cast<double>(correct) / static_cast<double>(n);
}

void check_options(const AccuracyOptions& options) {
  if (options.train_limit == 0) throw InputError("train_limit: must be positive (or < 0 for all)");
  if (options.test_limit == 0) throw InputError("test_limit: must be positive (or < 0 for all)");
  if (options.epochs < 1) throw InputError("epochs: must be at least 1");
}

}  // namespace

AccuracyStudy run_accuracy_study(const AccuracyOptions& options) {
  check_options(options);
  const Architecture arch;
  // Read every table before training, so a missing file fails in seconds, not minutes.
  std::vector<LutPrecision> precisions;
  for (const auto& p : options.precisions)
    precisions.push_back(parse_lut_precision(p, "precisions"));
  std::vector<LutTables> tables;
  for (int entries : options.entries) tables.push_back(load_lut_tables(options.luts_dir, entries));

  // One thread: a second one saves about a quarter of the time on an idle 2-core machine, but
  // libgomp's spinning workers make every op several times slower as soon as another process
  // holds a core (a parallel build or test run), which is the common case here.
  torch::set_num_threads(1);
  const Dataset train_set =
      to_tensors(load_fashion_mnist(options.data_dir, true, options.train_limit), options.data_dir,
                 arch.patch);
  const Dataset test_set =
      to_tensors(load_fashion_mnist(options.data_dir, false, options.test_limit), options.data_dir,
                 arch.patch);

  AccuracyStudy study;
  study.train_images = train_set.images.size(0);
  study.test_images = test_set.images.size(0);

  torch::manual_seed(options.seed);
  Vit model(arch, train_set.images.size(1));
  const Json key = training_key(arch, options, train_set);
  study.loaded_from_cache =
      !options.cache_path.empty() && load_cache(model, options.cache_path, key.dump());
  if (!study.loaded_from_cache) {
    model->pixel_mean.fill_(train_set.images.mean().item<double>());
    model->pixel_std.fill_(train_set.images.std().item<double>());
    train(model, arch, train_set, options);
    if (!options.cache_path.empty()) save_cache(model, options.cache_path, key);
  }

  study.rows.push_back({"exact", 0, "", evaluate(model, test_set, exact_ops(), options, "exact")});
  for (const auto& t : tables) {
    for (LutPrecision p : precisions) {
      const std::string name = lut_precision_name(p);
      const NonlinearOps ops = nnlut_ops(t, p);
      const std::string stage = "nnlut-" + std::to_string(t.entries) + "-" + name;
      study.rows.push_back(
          {"nnlut", t.entries, name, evaluate(model, test_set, ops, options, stage)});
    }
  }
  study.rows.push_back({"ibert", 0, "", evaluate(model, test_set, ibert_ops(), options, "ibert")});
  return study;
}

}  // namespace duet
