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
#include "models/nnlut/lut_torch.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"
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

using Unary = std::function<torch::Tensor(const torch::Tensor&)>;

// The three non-linear ops of the encoder, swappable after training.
struct NonlinearOps {
  Unary gelu;
  // Softmax over the last dimension: max-subtract, exp, sum, reciprocal, multiply. Without a
  // reciprocal the sum divides exactly (I-BERT's integer division).
  Unary exp, reciprocal;
  // LayerNorm: exact mean and variance, then this on variance + eps.
  Unary rsqrt;
  bool exact = false;  // use torch's fused ops instead (training speed, and the reference)

  torch::Tensor softmax(const torch::Tensor& x) const {
    if (exact) return torch::softmax(x, -1);
    const torch::Tensor e = exp(x - std::get<0>(x.max(-1, /*keepdim=*/true)));
    const torch::Tensor sum = e.sum(-1, /*keepdim=*/true);
    return reciprocal ? e * reciprocal(sum) : e / sum;
  }

  torch::Tensor layer_norm(const torch::Tensor& x, torch::nn::LayerNorm& ln) const {
    if (exact) return ln->forward(x);
    const torch::Tensor centred = x - x.mean(-1, /*keepdim=*/true);
    const torch::Tensor variance = centred.square().mean(-1, /*keepdim=*/true);
    return centred * rsqrt(variance + ln->options.eps()) * ln->weight + ln->bias;
  }

  torch::Tensor activation(const torch::Tensor& x) const {
    return exact ? torch::gelu(x) : gelu(x);
  }
};

NonlinearOps exact_ops() {
  NonlinearOps ops;
  ops.exact = true;
  return ops;
}

NonlinearOps nnlut_ops(const PiecewiseLinearLut& gelu, const PiecewiseLinearLut& exp,
                       const PiecewiseLinearLut& reciprocal, const PiecewiseLinearLut& rsqrt) {
  NonlinearOps ops;
  ops.gelu = [gelu](const torch::Tensor& x) { return apply_lut(gelu, x); };
  ops.exp = [exp](const torch::Tensor& x) { return apply_lut(exp, x); };
  ops.reciprocal = [reciprocal](const torch::Tensor& x) { return apply_lut(reciprocal, x); };
  ops.rsqrt = [rsqrt](const torch::Tensor& x) { return apply_lut(rsqrt, x); };
  return ops;
}

NonlinearOps ibert_ops() {
  NonlinearOps ops;
  ops.gelu = [](const torch::Tensor& x) { return apply_ibert(LutFunction::kGelu, x); };
  ops.exp = [](const torch::Tensor& x) { return apply_ibert(LutFunction::kExp, x); };
  ops.rsqrt = [](const torch::Tensor& x) { return apply_ibert(LutFunction::kRsqrt, x); };
  return ops;
}

torch::nn::LayerNorm make_layer_norm(const Architecture& a) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({a.width}).eps(a.layer_norm_eps));
}

// A linear layer over the last dimension of [batch, tokens, features], run as a 1x1
// convolution: Debian's libtorch sends nn::Linear to the reference BLAS (about 3 GFLOP/s here),
// while convolutions go to oneDNN, which makes training about ten times faster.
struct TokenLinearImpl : torch::nn::Module {
  TokenLinearImpl(int64_t in, int64_t out) {
    // nn::Linear's default initialisation.
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    weight = register_parameter("weight", torch::empty({out, in, 1}).uniform_(-bound, bound));
    bias = register_parameter("bias", torch::empty({out}).uniform_(-bound, bound));
  }

  torch::Tensor forward(const torch::Tensor& x) {
    return torch::conv1d(x.transpose(1, 2), weight, bias).transpose(1, 2);
  }

  torch::Tensor weight, bias;
};
TORCH_MODULE(TokenLinear);

// Pre-LN encoder layer: x + attention(LN(x)), then x + MLP(LN(x)).
struct EncoderLayerImpl : torch::nn::Module {
  explicit EncoderLayerImpl(const Architecture& a)
      : heads(a.heads),
        ln1(register_module("ln1", make_layer_norm(a))),
        qkv(register_module("qkv", TokenLinear(a.width, 3 * a.width))),
        proj(register_module("proj", TokenLinear(a.width, a.width))),
        ln2(register_module("ln2", make_layer_norm(a))),
        fc1(register_module("fc1", TokenLinear(a.width, a.mlp_ratio * a.width))),
        fc2(register_module("fc2", TokenLinear(a.mlp_ratio * a.width, a.width))) {}

  torch::Tensor forward(torch::Tensor x, const NonlinearOps& ops) {
    const int64_t batch = x.size(0), tokens = x.size(1), width = x.size(2);
    const int64_t head_width = width / heads;
    const torch::Tensor qkv_heads = qkv(ops.layer_norm(x, ln1))
                                        .view({batch, tokens, 3, heads, head_width})
                                        .permute({2, 0, 3, 1, 4});
    const torch::Tensor scores =
        torch::matmul(qkv_heads[0], qkv_heads[1].transpose(-2, -1)) / std::sqrt(head_width);
    const torch::Tensor attended = torch::matmul(ops.softmax(scores), qkv_heads[2]);
    x = x + proj(attended.transpose(1, 2).reshape({batch, tokens, width}));
    return x + fc2(ops.activation(fc1(ops.layer_norm(x, ln2))));
  }

  int64_t heads;
  torch::nn::LayerNorm ln1;
  TokenLinear qkv, proj;
  torch::nn::LayerNorm ln2;
  TokenLinear fc1, fc2;
};
TORCH_MODULE(EncoderLayer);

// Patch embedding with a class token and learned positions, the encoder, a final LayerNorm and
// a linear classifier on the class token.
struct VitImpl : torch::nn::Module {
  VitImpl(const Architecture& a, int64_t image_side) : patch(a.patch) {
    const int64_t tokens = (image_side / a.patch) * (image_side / a.patch);
    embed = register_module("embed", TokenLinear(a.patch * a.patch, a.width));
    cls = register_parameter("cls", torch::zeros({1, 1, a.width}));
    position = register_parameter("position", torch::randn({1, tokens + 1, a.width}) * 0.02);
    for (int64_t i = 0; i < a.depth; ++i) {
      layers.push_back(register_module("layer" + std::to_string(i), EncoderLayer(a)));
    }
    norm = register_module("norm", make_layer_norm(a));
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
  write_file_atomically(path + ".json", key.dump(2) + "\n");
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

PiecewiseLinearLut load_table(const AccuracyOptions& options, LutFunction f, int entries) {
  const std::string path =
      options.luts_dir + "/" + lut_function_name(f) + "-" + std::to_string(entries) + ".json";
  PiecewiseLinearLut lut = load_lut(path);
  if (lut.function != f) {
    throw InputError(path + ": function is \"" + lut_function_name(lut.function) +
                     "\", expected \"" + lut_function_name(f) + "\"");
  }
  return lut;
}

struct TableSet {
  int entries;
  PiecewiseLinearLut gelu, exp, reciprocal, rsqrt;
};

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
  std::vector<TableSet> tables;
  for (int entries : options.entries) {
    tables.push_back({entries, load_table(options, LutFunction::kGelu, entries),
                      load_table(options, LutFunction::kExp, entries),
                      load_table(options, LutFunction::kReciprocal, entries),
                      load_table(options, LutFunction::kRsqrt, entries)});
  }

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
      const NonlinearOps ops = nnlut_ops(quantized(t.gelu, p), quantized(t.exp, p),
                                         quantized(t.reciprocal, p), quantized(t.rsqrt, p));
      const std::string stage = "nnlut-" + std::to_string(t.entries) + "-" + name;
      study.rows.push_back(
          {"nnlut", t.entries, name, evaluate(model, test_set, ops, options, stage)});
    }
  }
  study.rows.push_back({"ibert", 0, "", evaluate(model, test_set, ibert_ops(), options, "ibert")});
  return study;
}

}  // namespace duet
