#include "models/recast/training.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "models/archive_file.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"

namespace duet::recast {
namespace {

constexpr int64_t kEvalBatch = 500;
constexpr const char* kMetaKey = "duet_recast_meta";

LabelledImages tensors(const ImageSet& set, double mean, double std) {
  return {normalised_images(set, mean, std), label_tensor(set)};
}

}  // namespace

Data load_data(const TrainingData& data) {
  const DataSplit split = load_split(data.dir, data.split);
  return {tensors(split.train, split.mean, split.std),
          tensors(split.validation, split.mean, split.std),
          tensors(split.test, split.mean, split.std)};
}

double cosine_lr(double base, int64_t step, int64_t total) {
  return base * 0.5 *
         (1 + std::cos(M_PI * static_cast<double>(step) /
                       static_cast<double>(std::max<int64_t>(1, total))));
}

void set_lr(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
  }
}

torch::Tensor batched_logits(const std::function<torch::Tensor(const torch::Tensor&)>& run,
                             const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < images.size(0); start += kEvalBatch) {
    parts.push_back(run(images.slice(0, start, std::min(images.size(0), start + kEvalBatch))));
  }
  return torch::cat(parts, 0);
}

double accuracy(const torch::Tensor& logits, const torch::Tensor& labels) {
  return logits.argmax(1).eq(labels).to(torch::kDouble).mean().item<double>();
}

double accuracy(Network& net, const LabelledImages& set) {
  const bool was_training = net->is_training();
  net->eval();
  const double a =
      accuracy(batched_logits([&](const torch::Tensor& x) { return net->forward(x); }, set.images),
               set.labels);
  net->train(was_training);
  return a;
}

void LossCurve::add(double loss) {
  last_ = loss;
  sum_ += loss;
  ++in_bucket_;
  ++seen_;
  // Bucket k ends at batch ceil((k + 1) * batches / 10).
  const auto k = static_cast<int64_t>(tenths_.size());
  if (seen_ >= ((k + 1) * batches_ + 9) / 10 || seen_ == batches_) {
    tenths_.push_back(sum_ / static_cast<double>(in_bucket_));
    sum_ = 0;
    in_bucket_ = 0;
  }
}

void save_checkpoint(const std::string& path, Network& net, const Json& meta,
                     torch::optim::Optimizer* optimizer) {
  torch::serialize::OutputArchive archive;
  net->save(archive);
  if (optimizer) {
    torch::serialize::OutputArchive state;
    optimizer->save(state);
    archive.write("optimizer", state);
  }
  archive.write(kMetaKey, c10::IValue(meta.dump()));
  save_archive_atomically(archive, path, "checkpoint");
}

Json read_checkpoint_meta(const std::string& path) {
  if (!std::filesystem::exists(path)) throw InputError(path + ": no such checkpoint");
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    c10::IValue stored;
    if (!archive.try_read(kMetaKey, stored) || !stored.isString()) {
      throw InputError(path + ": not a duet recast checkpoint (no header)");
    }
    return Json::parse(stored.toStringRef());
  } catch (const c10::Error&) {
    throw InputError(path + ": unreadable checkpoint (not a torch archive written by duet recast)");
  } catch (const Json::exception&) {
    throw InputError(path + ": corrupt checkpoint header");
  }
}

void load_weights(const std::string& path, Network& net, torch::optim::Optimizer* optimizer) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    net->load(archive);
    if (optimizer) {
      torch::serialize::InputArchive state;
      if (archive.try_read("optimizer", state)) optimizer->load(state);
    }
  } catch (const c10::Error&) {
    throw InputError(path + ": the weights do not match the network its header describes");
  }
}

Network load_checkpoint(const std::string& path, Json* meta) {
  const Json header = read_checkpoint_meta(path);
  if (!header.contains("spec")) throw InputError(path + ": checkpoint header has no spec");
  Network net(spec_from_json(header["spec"], path + ": spec"));
  load_weights(path, net, nullptr);
  if (meta) *meta = header;
  return net;
}

NetworkSpec checkpoint_spec(const std::string& path) {
  const Json header = read_checkpoint_meta(path);
  if (!header.contains("spec")) throw InputError(path + ": checkpoint header has no spec");
  return spec_from_json(header["spec"], path + ": spec");
}

std::vector<std::vector<int64_t>> block_output_shapes(const NetworkSpec& spec, int64_t side) {
  torch::NoGradGuard no_grad;
  Network net(spec);
  net->eval();
  std::vector<std::vector<int64_t>> shapes;
  torch::Tensor h = net->stem_forward(torch::zeros({1, spec.in_channels, side, side}));
  for (auto& block : net->blocks) {
    h = block->forward(h);
    shapes.push_back(h.sizes().vec());
  }
  return shapes;
}

}  // namespace duet::recast
