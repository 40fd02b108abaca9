#include "models/coexplore/generator.hpp"

#include <filesystem>

#include "models/archive_file.hpp"
#include "models/recast/training.hpp"
#include "sim/dse/dataset_table.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet::coexplore {
namespace {

constexpr double kLearningRate = 3e-3;
constexpr int64_t kBatch = 64;

int64_t sum(const std::vector<int64_t>& v) {
  int64_t s = 0;
  for (int64_t x : v) s += x;
  return s;
}

// Mean over dimensions of the cross-entropy of each dimension's softmax group.
torch::Tensor grouped_cross_entropy(const std::vector<int64_t>& widths, const torch::Tensor& logits,
                                    const torch::Tensor& labels) {
  torch::Tensor loss = torch::zeros({});
  int64_t offset = 0;
  for (std::size_t d = 0; d < widths.size(); ++d) {
    loss = loss + torch::cross_entropy_loss(logits.slice(1, offset, offset + widths[d]),
                                            labels.select(1, static_cast<int64_t>(d)));
    offset += widths[d];
  }
  return loss / static_cast<double>(widths.size());
}

// [n, dims] argmax per softmax group.
torch::Tensor grouped_argmax(const std::vector<int64_t>& widths, const torch::Tensor& logits) {
  std::vector<torch::Tensor> columns;
  int64_t offset = 0;
  for (int64_t w : widths) {
    columns.push_back(logits.slice(1, offset, offset + w).argmax(1));
    offset += w;
  }
  return torch::stack(columns, 1);
}

torch::Tensor label_tensor(const std::vector<std::vector<int>>& labels) {
  std::vector<int64_t> flat;
  for (const auto& row : labels) flat.insert(flat.end(), row.begin(), row.end());
  const int64_t n = static_cast<int64_t>(labels.size());
  return torch::tensor(flat, torch::kLong)
      .reshape({n, n ? static_cast<int64_t>(flat.size()) / n : 0});
}

}  // namespace

HardwareGeneratorImpl::HardwareGeneratorImpl(const SearchSpace& space, int64_t hidden) {
  for (const auto& b : space.network.blocks)
    block_widths.push_back(static_cast<int64_t>(b.options.size()));
  for (const auto& d : space.hardware)
    hardware_widths.push_back(static_cast<int64_t>(d.values.size()));
  mlp = register_module(
      "mlp", torch::nn::Sequential(torch::nn::Linear(sum(block_widths), hidden), torch::nn::ReLU(),
                                   torch::nn::Linear(hidden, hidden), torch::nn::ReLU(),
                                   torch::nn::Linear(hidden, sum(hardware_widths))));
}

torch::Tensor HardwareGeneratorImpl::forward(const torch::Tensor& block_weights) {
  return mlp->forward(block_weights);
}

torch::Tensor one_hot_blocks(const SearchSpace& space, const std::vector<std::vector<int>>& nets) {
  int64_t width = 0;
  for (const auto& b : space.network.blocks) width += static_cast<int64_t>(b.options.size());
  torch::Tensor x = torch::zeros({static_cast<int64_t>(nets.size()), width});
  for (std::size_t n = 0; n < nets.size(); ++n) {
    int64_t offset = 0;
    for (std::size_t b = 0; b < nets[n].size(); ++b) {
      x[static_cast<int64_t>(n)][offset + nets[n][b]] = 1.0f;
      offset += static_cast<int64_t>(space.network.blocks[b].options.size());
    }
  }
  return x;
}

std::vector<torch::Tensor> generated_distribution(HardwareGenerator& generator,
                                                  const std::vector<torch::Tensor>& blocks) {
  const torch::Tensor logits = generator->forward(torch::cat(blocks).unsqueeze(0)).squeeze(0);
  std::vector<torch::Tensor> out;
  int64_t offset = 0;
  for (int64_t w : generator->hardware_widths) {
    out.push_back(torch::softmax(logits.slice(0, offset, offset + w), 0));
    offset += w;
  }
  return out;
}

std::vector<std::vector<int>> generated_hardware(HardwareGenerator& generator,
                                                 const SearchSpace& space,
                                                 const std::vector<std::vector<int>>& nets) {
  torch::NoGradGuard no_grad;
  const torch::Tensor choice =
      grouped_argmax(generator->hardware_widths, generator->forward(one_hot_blocks(space, nets)))
          .contiguous();
  std::vector<std::vector<int>> out;
  for (int64_t n = 0; n < choice.size(0); ++n) {
    std::vector<int> row;
    for (int64_t d = 0; d < choice.size(1); ++d)
      row.push_back(static_cast<int>(choice[n][d].item<int64_t>()));
    out.push_back(row);
  }
  return out;
}

GeneratorFit train_generator(HardwareGenerator& generator, const SearchSpace& space,
                             const std::vector<std::vector<int>>& nets,
                             const std::vector<std::vector<int>>& labels, int epochs,
                             uint64_t seed) {
  torch::manual_seed(seed);
  std::vector<int64_t> train_rows, validation_rows;
  for (int64_t i = 0; i < static_cast<int64_t>(nets.size()); ++i)
    (i % 10 == 9 ? validation_rows : train_rows).push_back(i);
  const torch::Tensor x = one_hot_blocks(space, nets), y = label_tensor(labels);
  const torch::Tensor tx = x.index_select(0, torch::tensor(train_rows)),
                      ty = y.index_select(0, torch::tensor(train_rows));
  const torch::Tensor vx = x.index_select(0, torch::tensor(validation_rows)),
                      vy = y.index_select(0, torch::tensor(validation_rows));
  torch::optim::Adam optimizer(generator->parameters(), torch::optim::AdamOptions(kLearningRate));
  const int64_t n = tx.size(0), batches = (n + kBatch - 1) / kBatch, total = batches * epochs;
  GeneratorFit fit;
  generator->train();
  torch::Tensor order;
  for (int64_t step = 0; step < total; ++step) {
    if (step % batches == 0) {
      fit.train_loss = 0;
      order = torch::randperm(n, torch::kLong);
    }
    const torch::Tensor idx =
        order.slice(0, (step % batches) * kBatch, std::min(n, (step % batches + 1) * kBatch));
    recast::set_lr(optimizer, recast::cosine_lr(kLearningRate, step, total));
    optimizer.zero_grad();
    const torch::Tensor loss =
        grouped_cross_entropy(generator->hardware_widths,
                              generator->forward(tx.index_select(0, idx)), ty.index_select(0, idx));
    loss.backward();
    optimizer.step();
    fit.train_loss += loss.item<double>() / static_cast<double>(batches);
  }
  torch::NoGradGuard no_grad;
  generator->eval();
  if (vx.size(0) > 0) {
    const torch::Tensor logits = generator->forward(vx);
    fit.validation_loss =
        grouped_cross_entropy(generator->hardware_widths, logits, vy).item<double>();
    const torch::Tensor right = grouped_argmax(generator->hardware_widths, logits).eq(vy);
    fit.validation_exact = right.all(1).to(torch::kDouble).mean().item<double>();
    for (int64_t d = 0; d < right.size(1); ++d)
      fit.dimension_accuracy.push_back(right.select(1, d).to(torch::kDouble).mean().item<double>());
  }
  for (auto& p : generator->parameters()) p.set_requires_grad(false);  // frozen from here on
  return fit;
}

void save_generator(HardwareGenerator& generator, const std::string& path, const Json& meta) {
  torch::serialize::OutputArchive archive;
  generator->save(archive);
  save_archive_atomically(archive, path, "hardware generator");
  Json sidecar = meta;
  sidecar["format"] = "duet-generator-1";
  sidecar["weights_fnv1a64"] = file_fingerprint(path).fnv1a64;
  write_file_atomically(path + ".json", json_text(sidecar, 2) + "\n");
}

HardwareGenerator load_generator(const SearchSpace& space, int64_t hidden, const std::string& path,
                                 const Json& key) {
  const std::string sidecar_path = path + ".json";
  const Json sidecar = read_json_file(sidecar_path);
  auto field = [&](const char* name) {
    return sidecar.is_object() && sidecar.contains(name) ? sidecar[name] : Json();
  };
  if (field("format") != "duet-generator-1")
    throw InputError(sidecar_path + ": not a hardware generator sidecar (format)");
  // Trained for another study (sizes, objective, limits, evaluator or seed): never reuse it.
  if (field("study_key") != key) {
    throw InputError(sidecar_path +
                     ": study_key: the generator was trained for another study or evaluator; "
                     "delete the generator/ directory to retrain");
  }
  const Json hash = field("weights_fnv1a64");
  if (!hash.is_string() || file_fingerprint(path).fnv1a64 != hash.get<std::string>())
    throw InputError(path + ": the weights do not match weights_fnv1a64 in " + sidecar_path +
                     " (edited or truncated); delete both to retrain");
  HardwareGenerator generator(space, hidden);
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    generator->load(archive);
  } catch (const c10::Error& e) {
    throw InputError(path + ": not a readable generator archive (" + e.what_without_backtrace() +
                     ")");
  }
  generator->eval();
  for (auto& p : generator->parameters()) p.set_requires_grad(false);
  return generator;
}

}  // namespace duet::coexplore
