#pragma once
// Private to models/recast/*.cpp (includes libtorch): data tensors, the learning-rate schedule,
// evaluation and checkpoint files shared by teacher training and recasting.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "models/recast/network.hpp"
#include "models/recast/recast.hpp"

namespace duet::recast {

struct LabelledImages {
  torch::Tensor images;  // float [n, 1, 28, 28], normalised
  torch::Tensor labels;  // int64 [n]
  int64_t size() const { return images.size(0); }
};

struct Data {
  LabelledImages train, validation, test;
};

Data load_data(const TrainingData& data);

// Cosine decay from `base` to 0 over `total` steps, the schedule every phase uses: it settles
// the weights within the few epochs the default budgets allow.
double cosine_lr(double base, int64_t step, int64_t total);
void set_lr(torch::optim::Optimizer& optimizer, double lr);

// Logits of `run` over `set` in eval mode, batched, without gradients.
torch::Tensor batched_logits(const std::function<torch::Tensor(const torch::Tensor&)>& run,
                             const torch::Tensor& images);
double accuracy(const torch::Tensor& logits, const torch::Tensor& labels);
double accuracy(Network& net, const LabelledImages& set);

// Mean loss over each tenth of a step's batches, so the log shows the curve without every batch.
class LossCurve {
 public:
  explicit LossCurve(int64_t batches) : batches_(std::max<int64_t>(1, batches)) {}
  void add(double loss);
  std::vector<double> tenths() const { return tenths_; }
  double last() const { return last_; }

 private:
  int64_t batches_, seen_ = 0;
  double sum_ = 0, last_ = 0;
  int64_t in_bucket_ = 0;
  std::vector<double> tenths_;
};

// A network checkpoint: weights, optional optimizer state and a JSON header holding at least
// the network's spec ("spec"). Written through a temporary file and a rename.
void save_checkpoint(const std::string& path, Network& net, const Json& meta,
                     torch::optim::Optimizer* optimizer = nullptr);
Json read_checkpoint_meta(const std::string& path);
// Builds the network the header describes and loads its weights.
Network load_checkpoint(const std::string& path, Json* meta = nullptr);
void load_weights(const std::string& path, Network& net, torch::optim::Optimizer* optimizer);

}  // namespace duet::recast
