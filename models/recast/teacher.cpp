// duet recast train-teacher: a teacher trained with cross-entropy, checkpointed every epoch.
#include <chrono>
#include <filesystem>

#include "models/recast/training.hpp"
#include "workloads/input_error.hpp"

namespace duet::recast {
namespace {

constexpr int kTeacherFormat = 1;

// Everything that changes the trained weights: a resumed run must have been started with it.
Json teacher_key(const TeacherOptions& o, const NetworkSpec& spec) {
  return {{"format", kTeacherFormat},
          {"spec", spec_to_json(spec)},
          {"epochs", o.epochs},
          {"batch", o.batch},
          {"learning_rate", o.learning_rate},
          {"seed", o.seed},
          {"validation", o.data.split.validation},
          {"train_limit", o.data.split.train_limit},
          {"split_seed", o.data.split.split_seed}};
}

void check(const TeacherOptions& o) {
  if (o.out.empty()) throw InputError("--out: a checkpoint path is required");
  if (o.epochs < 1 || o.epochs > 1000) throw InputError("--epochs: must be in [1, 1000]");
  if (o.batch < 1 || o.batch > 65536) throw InputError("--batch: must be in [1, 65536]");
  if (!(o.learning_rate > 0) || o.learning_rate > 1) {
    throw InputError("--lr: must be in (0, 1]");
  }
}

}  // namespace

TeacherResult train_teacher(const TeacherOptions& o) {
  check(o);
  const NetworkSpec spec = teacher_spec(o.arch);
  torch::set_num_threads(1);  // see models/nnlut/accuracy.cpp: one thread is faster when shared
  const Data data = load_data(o.data);
  const Json key = teacher_key(o, spec);

  TeacherResult result;
  result.spec = spec;
  torch::manual_seed(o.seed);
  Network net(spec);
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(o.learning_rate));
  int done = 0;
  if (o.resume && std::filesystem::exists(o.out)) {
    const Json meta = read_checkpoint_meta(o.out);
    if (meta.value("key", Json()) != key) {
      throw InputError(o.out +
                       ": made with other options or another --arch; drop --resume to "
                       "start afresh, or use the same options");
    }
    load_weights(o.out, net, &optimizer);
    done = meta.value("epochs_done", 0);
    result.resumed_from_epoch = done;
  }

  const int64_t n = data.train.size();
  const int64_t per_epoch = (n + o.batch - 1) / o.batch;
  const int64_t total = per_epoch * o.epochs;
  const auto start = std::chrono::steady_clock::now();
  for (int epoch = done; epoch < o.epochs; ++epoch) {
    // Seeded per epoch, so a resumed run draws the same batches as an uninterrupted one.
    torch::manual_seed(o.seed * 1000003 + static_cast<uint64_t>(epoch));
    const torch::Tensor order = torch::randperm(n, torch::kLong);
    net->train();
    double running = 0;
    for (int64_t b = 0; b < per_epoch; ++b) {
      set_lr(optimizer, cosine_lr(o.learning_rate, epoch * per_epoch + b, total));
      const torch::Tensor idx = order.slice(0, b * o.batch, std::min(n, (b + 1) * o.batch));
      const torch::Tensor loss =
          torch::nn::functional::cross_entropy(net->forward(data.train.images.index_select(0, idx)),
                                               data.train.labels.index_select(0, idx));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      running = b == 0 ? loss.item<double>() : 0.95 * running + 0.05 * loss.item<double>();
      if (o.progress) {
        char note[64];
        std::snprintf(note, sizeof note, "epoch %d/%d loss %.3f", epoch + 1, o.epochs, running);
        o.progress("train " + o.arch, epoch * per_epoch + b + 1, total, note);
      }
    }
    result.validation_accuracy = accuracy(net, data.validation);
    save_checkpoint(o.out, net,
                    {{"kind", "teacher"},
                     {"spec", spec_to_json(spec)},
                     {"key", key},
                     {"epochs_done", epoch + 1},
                     {"validation_accuracy", result.validation_accuracy}},
                    &optimizer);
  }
  result.train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.epochs_done = o.epochs;
  if (done == o.epochs) result.validation_accuracy = accuracy(net, data.validation);
  result.test_accuracy = accuracy(net, data.test);
  result.parameters = net->parameter_count();
  return result;
}

}  // namespace duet::recast
