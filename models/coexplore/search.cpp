#include "models/coexplore/search.hpp"

#include <cmath>
#include <cstdio>
#include <optional>
#include <random>
#include <sstream>

#include "models/coexplore/cost.hpp"

namespace duet::coexplore {
namespace {

constexpr int64_t kScoreChunk = 500;
constexpr int64_t kCalibrationImages = 2000;

torch::Tensor gumbel_noise(int64_t n) {
  const torch::Tensor u = torch::rand({n}).clamp(1e-10, 1 - 1e-10);
  return -torch::log(-torch::log(u));
}

int index_of_max(const torch::Tensor& t) { return static_cast<int>(t.argmax().item<int64_t>()); }

// One option per block drawn from softmax(alpha) (the Gumbel-max trick), without gradients.
std::vector<int> sample_path(const std::vector<torch::Tensor>& alpha) {
  std::vector<int> path;
  for (const auto& a : alpha) path.push_back(index_of_max(a.detach() + gumbel_noise(a.numel())));
  return path;
}

// One Adam step of the network's weights on a batch through `path`; returns the loss.
double weight_step(Supernet& net, torch::optim::Adam& optimizer, const torch::Tensor& images,
                   const torch::Tensor& labels, const std::vector<int>& path) {
  optimizer.zero_grad();
  const torch::Tensor loss = torch::cross_entropy_loss(net->forward(images, path), labels);
  loss.backward();
  optimizer.step();
  return loss.item<double>();
}

// Cycles through a split in batches, reshuffled (from torch's seeded generator) every pass.
class BatchStream {
 public:
  BatchStream(const LabelledImages& set, int64_t batch) : set_(set), batch_(batch) {}
  std::pair<torch::Tensor, torch::Tensor> next() {
    if (!order_.defined() || position_ >= set_.size()) {
      order_ = torch::randperm(set_.size(), torch::kLong);
      position_ = 0;
    }
    const torch::Tensor idx = order_.slice(0, position_, std::min(set_.size(), position_ + batch_));
    position_ += batch_;
    return {set_.images.index_select(0, idx), set_.labels.index_select(0, idx)};
  }
  int64_t batches_per_pass() const { return (set_.size() + batch_ - 1) / batch_; }

 private:
  const LabelledImages& set_;
  int64_t batch_;
  torch::Tensor order_;
  int64_t position_ = 0;
};

std::string format_row(const std::vector<double>& values) {
  std::string row;
  char cell[32];
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::snprintf(cell, sizeof cell, "%s%.6g", i ? "," : "", values[i]);
    row += cell;
  }
  return row + "\n";
}

std::string log_header(const SearchSpace& space) {
  std::string h = "step,temperature,cross_entropy,log_objective,penalty";
  for (const auto& block : space.network.blocks) {
    for (const auto& option : block.options) h += ",alpha:" + block.name + "=" + option;
  }
  for (const auto& dim : space.hardware) {
    for (const auto& value : dim.values) {
      h +=
          ",beta:" + dim.name + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  return h + "\n";
}

std::vector<double> to_doubles(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kDouble).contiguous();
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

std::vector<double> one_hot(std::size_t n, int index) {
  std::vector<double> v(n, 0.0);
  v.at(static_cast<std::size_t>(index)) = 1.0;
  return v;
}

// Batch-norm statistics re-estimated for one path as exact averages over training images: the
// running averages of a short training run (or of a supernet's many paths) are far off, and
// eval-mode accuracy would measure that rather than the network.
void recalibrate_batch_norm(Supernet& net, const std::vector<int>& path,
                            const LabelledImages& set) {
  std::vector<torch::nn::BatchNorm2dImpl*> norms;
  for (const auto& m : net->modules(false)) {
    if (auto* bn = m->as<torch::nn::BatchNorm2dImpl>()) norms.push_back(bn);
  }
  for (auto* bn : norms) {
    bn->reset_running_stats();
    bn->options.momentum(c10::nullopt);  // cumulative average
  }
  torch::NoGradGuard no_grad;
  net->train();
  const int64_t n = std::min<int64_t>(set.size(), kCalibrationImages);
  for (int64_t start = 0; start < n; start += kScoreChunk) {
    net->forward(set.images.slice(0, start, std::min(n, start + kScoreChunk)), path);
  }
  for (auto* bn : norms) bn->options.momentum(0.1);
}

// The SFU choice each sampled path runs with: its approximations of GELU, Softmax, LayerNorm.
struct SfuDraw {
  const SfuApproximations* approximations = nullptr;  // null: exact ops
  std::vector<int> hardware;       // the fixed choices (the drawn dimensions are overwritten)
  std::vector<std::size_t> drawn;  // dimensions drawn from softmax(beta) per path
};

SfuDraw sfu_draw(const SearchSetup& setup, std::size_t dims, bool free_hardware) {
  SfuDraw draw;
  if (!setup.sfu || !setup.sfu->applies()) return draw;
  if (free_hardware) {
    draw.approximations = setup.sfu;
    draw.hardware.assign(dims, 0);
    draw.drawn = setup.sfu->dimensions();
  } else if (!setup.fixed_hardware.empty()) {
    draw.approximations = setup.sfu;
    draw.hardware = setup.fixed_hardware;
  }  // else the hardware is not searched yet (accuracy first): exact ops
  return draw;
}

// The accuracy term's gradient with respect to alpha (and beta's SFU dimensions), by
// ProxylessNAS's REINFORCE form: K paths drawn from softmax(alpha) run forward only, and each
// path's log-probability is weighted by its cross-entropy minus the mean of the other K-1 (a
// leave-one-out baseline). Unbiased; the straight-through Gumbel gate was measured to drift to
// `skip` even where a block clearly wins (docs/explore.md). `mean_ce` receives the paths' mean
// cross-entropy.
torch::Tensor accuracy_surrogate(Supernet& net, const std::vector<torch::Tensor>& alpha,
                                 const std::vector<torch::Tensor>& beta, const SfuDraw& sfu,
                                 const torch::Tensor& images, const torch::Tensor& labels,
                                 int64_t paths, double& mean_ce) {
  std::vector<std::vector<int>> drawn, drawn_hardware;
  std::vector<double> ce;
  {
    torch::NoGradGuard no_grad;
    for (int64_t k = 0; k < paths; ++k) {
      const std::vector<int> path = sample_path(alpha);
      std::vector<int> hardware = sfu.hardware;
      for (std::size_t d : sfu.drawn) {
        hardware[d] = index_of_max(beta[d].detach() + gumbel_noise(beta[d].numel()));
      }
      if (sfu.approximations) net->nonlinear = sfu.approximations->ops(hardware);
      ce.push_back(torch::cross_entropy_loss(net->forward(images, path), labels).item<double>());
      drawn.push_back(path);
      drawn_hardware.push_back(hardware);
    }
    net->nonlinear = exact_ops();  // weights train exactly
  }
  double sum = 0;
  for (double c : ce) sum += c;
  mean_ce = sum / static_cast<double>(paths);
  torch::Tensor surrogate = torch::zeros({});
  for (int64_t k = 0; k < paths; ++k) {
    const double baseline = (sum - ce[k]) / static_cast<double>(paths - 1);
    torch::Tensor log_p = torch::zeros({});
    for (std::size_t b = 0; b < alpha.size(); ++b)
      log_p = log_p + torch::log_softmax(alpha[b], 0)[drawn[k][b]];
    // lut_entries changes nothing under exact or I-BERT: its term there would be noise.
    for (std::size_t d : sfu.drawn) {
      if (sfu.approximations->matters(d, drawn_hardware[k]))
        log_p = log_p + torch::log_softmax(beta[d], 0)[drawn_hardware[k][d]];
    }
    surrogate = surrogate + (ce[k] - baseline) * log_p;
  }
  return surrogate / static_cast<double>(paths);
}

}  // namespace

Data load_study_data(const Study& study) {
  recast::TrainingData data;
  data.dir = fashion_mnist_dir();
  data.split.validation = study.budget.search_images;
  data.split.train_limit = study.budget.train_images;
  data.split.test_limit = study.budget.test_images;
  data.split.split_seed = study.seed;
  return recast::load_data(data);
}

void warm_up(Supernet& net, const LabelledImages& train, const Budget& budget, uint64_t seed,
             const StepProgress& progress) {
  torch::manual_seed(seed);
  std::mt19937_64 rng(seed);
  BatchStream stream(train, budget.batch);
  const int64_t total = stream.batches_per_pass() * budget.warmup_epochs;
  torch::optim::Adam optimizer(net->parameters(),
                               torch::optim::AdamOptions(budget.weight_learning_rate));
  net->train();
  for (int64_t step = 0; step < total; ++step) {
    std::vector<int> path;
    for (const auto& slots : net->allowed) path.push_back(slots[rng() % slots.size()]);
    recast::set_lr(optimizer, recast::cosine_lr(budget.weight_learning_rate, step, total));
    auto [x, y] = stream.next();
    const double loss = weight_step(net, optimizer, x, y, path);
    if (progress) progress(step + 1, total, "loss " + std::to_string(loss).substr(0, 6));
  }
}

// From the budget, not the data: a cost-only search runs without images.
int64_t search_steps(const Budget& budget) {
  return (budget.search_images + budget.batch - 1) / budget.batch * budget.search_epochs;
}

SearchResult search(Supernet& net, const Evaluator& evaluator, const SearchSpace& space,
                    const Study& study, const SearchSetup& setup, const Data& data, uint64_t seed,
                    const StepProgress& progress) {
  torch::manual_seed(seed);
  const Budget& budget = study.budget;
  const std::size_t blocks = space.network.blocks.size(), dims = space.hardware.size();
  const bool free_hardware = setup.cost && setup.fixed_hardware.empty() && !setup.generator;
  std::vector<torch::Tensor> alpha, beta;
  for (const auto& block : space.network.blocks)
    alpha.push_back(torch::zeros({static_cast<int64_t>(block.options.size())}).requires_grad_());
  for (const auto& dim : space.hardware)
    beta.push_back(torch::zeros({static_cast<int64_t>(dim.values.size())}).requires_grad_());
  torch::optim::Adam arch(alpha, torch::optim::AdamOptions(budget.arch_learning_rate));
  torch::optim::Adam hardware(beta, torch::optim::AdamOptions(budget.hardware_learning_rate));
  // A cost-only search has no network to train (and, for a fixed workload, no supernet).
  std::optional<torch::optim::Adam> weights;
  if (setup.cross_entropy) {
    weights.emplace(net->parameters(), torch::optim::AdamOptions(budget.weight_learning_rate));
    net->train();
  }
  BatchStream train(data.train, budget.batch), held_out(data.validation, budget.batch);
  const int64_t total = search_steps(budget);
  const LogCombination objective = objective_combination(study.objective);
  const SfuDraw sfu = sfu_draw(setup, dims, free_hardware);

  SearchResult result;
  result.log_csv = log_header(space);
  for (int64_t step = 0; step < total; ++step) {
    const double tau =
        budget.temperature_start *
        std::pow(budget.temperature_end / budget.temperature_start,
                 total > 1 ? static_cast<double>(step) / static_cast<double>(total - 1) : 1.0);
    if (setup.cross_entropy) {
      const std::vector<int> path = sample_path(alpha);
      recast::set_lr(*weights, recast::cosine_lr(budget.weight_learning_rate, step, total));
      auto [x, y] = train.next();
      weight_step(net, *weights, x, y, path);
    }

    arch.zero_grad();
    hardware.zero_grad();
    std::vector<torch::Tensor> soft(blocks), hw_soft(dims);
    for (std::size_t b = 0; b < blocks; ++b) {
      soft[b] =
          setup.fixed_blocks.empty()
              ? torch::softmax((alpha[b] + gumbel_noise(alpha[b].numel())) / tau, 0)
              : torch::one_hot(torch::tensor(int64_t{setup.fixed_blocks.at(b)}), alpha[b].numel())
                    .to(torch::kFloat);
    }
    torch::Tensor loss = torch::zeros({});
    double cross_entropy = 0, log_objective = 0, penalty = 0;
    if (setup.cross_entropy) {
      auto [x, y] = held_out.next();
      loss = loss +
             accuracy_surrogate(net, alpha, beta, sfu, x, y, budget.paths_per_step, cross_entropy);
    }
    if (setup.cost) {
      std::vector<std::vector<double>> rows;
      if (setup.generator) hw_soft = generated_distribution(*setup.generator, soft);
      for (std::size_t h = 0; h < dims; ++h) {
        if (setup.generator) {
          rows.push_back(to_doubles(hw_soft[h]));
        } else if (free_hardware) {
          hw_soft[h] = torch::softmax((beta[h] + gumbel_noise(beta[h].numel())) / tau, 0);
          rows.push_back(to_doubles(hw_soft[h]));
        } else {
          rows.push_back(one_hot(space.hardware[h].values.size(), setup.fixed_hardware.at(h)));
        }
      }
      for (std::size_t b = 0; b < blocks; ++b) rows.push_back(to_doubles(soft[b]));
      const RelaxedPrediction p = evaluator.predict_relaxed(rows);
      ++result.evaluator_calls;
      log_objective = log_value(objective, p.values);
      penalty = constraint_penalty(study.constraints, p.values);
      const auto g_objective = log_gradient(objective, p);
      const auto g_penalty = constraint_penalty_gradient(study.constraints, p);
      // The evaluator's gradient enters autograd as a linear surrogate in the relaxed weights.
      for (std::size_t d = 0; d < rows.size(); ++d) {
        std::vector<float> g(rows[d].size());
        for (std::size_t k = 0; k < g.size(); ++k) {
          g[k] = static_cast<float>(setup.lambda * g_objective[d][k] +
                                    budget.constraint_weight * g_penalty[d][k]);
        }
        const torch::Tensor& y = d < dims ? hw_soft[d] : soft[d - dims];
        if (y.defined()) loss = loss + (torch::tensor(g) * y).sum();
      }
    }
    if (loss.requires_grad()) {
      loss.backward();
      arch.step();
      if (free_hardware) hardware.step();
    }

    std::vector<double> row = {static_cast<double>(step), tau, cross_entropy, log_objective,
                               penalty};
    for (const auto& a : alpha) {
      const auto p = to_doubles(torch::softmax(a.detach(), 0));
      row.insert(row.end(), p.begin(), p.end());
    }
    std::vector<torch::Tensor> hardware_now;
    if (setup.generator) {
      torch::NoGradGuard no_grad;
      std::vector<torch::Tensor> expected;
      for (const auto& a : alpha) expected.push_back(torch::softmax(a.detach(), 0));
      hardware_now = generated_distribution(*setup.generator, expected);
    } else {
      for (const auto& b : beta) hardware_now.push_back(torch::softmax(b.detach(), 0));
    }
    for (const auto& h : hardware_now) {
      const auto p = to_doubles(h);
      row.insert(row.end(), p.begin(), p.end());
    }
    result.log_csv += format_row(row);
    if (progress) progress(step + 1, total, "ce " + std::to_string(cross_entropy).substr(0, 5));
  }
  for (const auto& a : alpha) result.blocks.push_back(index_of_max(a.detach()));
  if (!setup.fixed_blocks.empty()) result.blocks = setup.fixed_blocks;
  if (setup.generator) {
    result.hardware = generated_hardware(*setup.generator, space, {result.blocks}).at(0);
  } else if (free_hardware) {
    for (const auto& b : beta) result.hardware.push_back(index_of_max(b.detach()));
  } else {
    result.hardware = setup.fixed_hardware;
  }
  return result;
}

SearchResult search_cost_only(const Evaluator& evaluator, const SearchSpace& space,
                              const Study& study, double lambda, uint64_t seed) {
  Supernet none{nullptr};  // no images: the network's weights play no part
  return search(none, evaluator, space, study, {lambda, false, true, {}, nullptr, {}}, Data{}, seed,
                nullptr);
}

double inherited_loss(Supernet& net, const std::vector<int>& path, const LabelledImages& set) {
  torch::NoGradGuard no_grad;
  net->train();  // batch statistics: the shared batch-norm statistics belong to no one path
  double sum = 0;
  for (int64_t start = 0; start < set.size(); start += kScoreChunk) {
    const int64_t end = std::min(set.size(), start + kScoreChunk);
    const torch::Tensor logits = net->forward(set.images.slice(0, start, end), path);
    sum += torch::cross_entropy_loss(logits, set.labels.slice(0, start, end)).item<double>() *
           static_cast<double>(end - start);
  }
  return sum / static_cast<double>(set.size());
}

void train_derived(Supernet& net, const std::vector<int>& path, const Data& data,
                   const Budget& budget, uint64_t seed, const StepProgress& progress) {
  torch::manual_seed(seed);
  BatchStream stream(data.train, budget.batch);
  const int64_t total = stream.batches_per_pass() * budget.derived_epochs;
  torch::optim::Adam optimizer(net->parameters(),
                               torch::optim::AdamOptions(budget.weight_learning_rate));
  net->nonlinear = exact_ops();
  net->train();
  for (int64_t step = 0; step < total; ++step) {
    recast::set_lr(optimizer, recast::cosine_lr(budget.weight_learning_rate, step, total));
    auto [x, y] = stream.next();
    const double loss = weight_step(net, optimizer, x, y, path);
    if (progress) progress(step + 1, total, "loss " + std::to_string(loss).substr(0, 6));
  }
  recalibrate_batch_norm(net, path, data.train);
}

double test_accuracy(Supernet& net, const std::vector<int>& path, const LabelledImages& test) {
  net->eval();
  const double accuracy = recast::accuracy(
      recast::batched_logits([&](const torch::Tensor& x) { return net->forward(x, path); },
                             test.images),
      test.labels);
  net->train();
  return accuracy;
}

}  // namespace duet::coexplore
