// Training the evaluator: features from the space, log targets normalised on the training
// rows, a held-out split by sample index, checkpoints every epoch so --resume loses nothing.
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "models/archive_file.hpp"
#include "models/evaluator/evaluator.hpp"
#include "models/evaluator/evaluator_files.hpp"
#include "sim/dse/dataset_table.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet {
namespace {

// Linear layers as 1x1 convolutions over [batch, features, 1]: Debian's libtorch sends
// nn::Linear to the reference BLAS, convolutions (forward and backward) go to oneDNN.
struct MlpImpl : torch::nn::Module {
  MlpImpl(int64_t inputs, const std::vector<int64_t>& hidden) {
    int64_t width = inputs;
    std::vector<int64_t> sizes = hidden;
    sizes.push_back(4);
    for (std::size_t l = 0; l < sizes.size(); ++l) {
      layers.push_back(
          register_module("layer" + std::to_string(l),
                          torch::nn::Conv1d(torch::nn::Conv1dOptions(width, sizes[l], 1))));
      width = sizes[l];
    }
  }
  torch::Tensor forward(torch::Tensor x) {
    x = x.unsqueeze(-1);
    for (std::size_t l = 0; l < layers.size(); ++l) {
      x = layers[l]->forward(x);
      if (l + 1 < layers.size()) x = torch::relu(x);
    }
    return x.squeeze(-1);
  }
  std::vector<torch::nn::Conv1d> layers;
};
TORCH_MODULE(Mlp);

struct Split {
  std::vector<Sample> samples;
  torch::Tensor features;  // [n, F]
  torch::Tensor targets;   // [n, 4], normalised log targets
  std::vector<CostVector> truth;
};

Split make_split(const FeatureSchema& schema, const DatasetTable& table, bool validation,
                 int64_t every) {
  Split split;
  std::vector<float> features, logs;
  for (std::size_t i = 0; i < table.samples.size(); ++i) {
    if ((table.samples[i].index % every == every - 1) != validation) continue;
    split.samples.push_back(table.samples[i]);
    split.truth.push_back(table.targets[i]);
    const std::vector<float> row = schema.encode(table.samples[i]);
    features.insert(features.end(), row.begin(), row.end());
    for (double v : table.targets[i]) logs.push_back(static_cast<float>(std::log(v)));
  }
  const auto n = static_cast<int64_t>(split.samples.size());
  split.features = torch::from_blob(features.data(), {n, schema.feature_count()}).clone();
  split.targets = torch::from_blob(logs.data(), {n, 4}).clone();
  return split;
}

double mse(Mlp& model, const Split& split) {
  torch::NoGradGuard no_grad;
  model->eval();
  return torch::mse_loss(model->forward(split.features), split.targets).item<double>();
}

// Everything that changes the trained weights; a checkpoint made with another key is stale.
Json training_key(const EvaluatorTrainOptions& o, const FileFingerprint& data) {
  return {{"data_fnv1a64", data.fnv1a64},
          {"hidden", o.hidden},
          {"epochs", o.epochs},
          {"seed", o.seed},
          {"batch", o.batch},
          {"learning_rate", o.learning_rate},
          {"holdout_every", o.holdout_every}};
}

// The epoch and the training key live inside the archive, so the one rename that publishes
// the weights also publishes how far they got.
void save_checkpoint(const std::string& dir, Mlp& model, torch::optim::Adam& optimizer, int epoch,
                     const Json& key) {
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  model->save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("meta", c10::IValue(Json{{"epoch", epoch}, {"key", key}}.dump()));
  save_archive_atomically(archive, evaluator_checkpoint_path(dir), "checkpoint");
}

// The epoch to continue after (0 when starting fresh).
int load_checkpoint(const std::string& dir, Mlp& model, torch::optim::Adam& optimizer,
                    const Json& key) {
  const std::string path = evaluator_checkpoint_path(dir);
  if (!std::filesystem::exists(path)) return 0;
  torch::serialize::InputArchive archive, model_archive, optimizer_archive;
  Json meta;
  try {
    archive.load_from(path);
    c10::IValue text;
    archive.read("meta", text);
    meta = Json::parse(text.toStringRef());
  } catch (const std::exception& e) {
    throw InputError(path + ": not a readable evaluator checkpoint; drop --resume (" +
                     exception_text(e).substr(0, 200) + ")");
  }
  if (meta.value("key", Json()) != key) {
    throw InputError(path + ": was made with other training options or data (" +
                     meta.value("key", Json()).dump() + " vs " + key.dump() +
                     "); drop --resume or use another --out");
  }
  archive.read("model", model_archive);
  archive.read("optimizer", optimizer_archive);
  model->load(model_archive);
  optimizer.load(optimizer_archive);
  return meta.at("epoch").get<int>();
}

// The weights export_weights wrote, back into a model of the same widths.
void import_weights(const std::string& dir, Mlp& model) {
  const std::string path = evaluator_weights_path(dir);
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    torch::NoGradGuard no_grad;
    for (std::size_t l = 0; l < model->layers.size(); ++l) {
      torch::Tensor w, b;
      archive.read("w" + std::to_string(l), w);
      archive.read("b" + std::to_string(l), b);
      model->layers[l]->weight.copy_(w.unsqueeze(-1));
      model->layers[l]->bias.copy_(b);
    }
  } catch (const c10::Error& e) {
    throw InputError(path + ": cannot start from these weights (" +
                     exception_text(e).substr(0, 200) + ")");
  }
}

void export_weights(const std::string& dir, Mlp& model) {
  torch::serialize::OutputArchive archive;
  for (std::size_t l = 0; l < model->layers.size(); ++l) {
    archive.write("w" + std::to_string(l),
                  model->layers[l]->weight.detach().squeeze(-1).contiguous());
    archive.write("b" + std::to_string(l), model->layers[l]->bias.detach().contiguous());
  }
  save_archive_atomically(archive, evaluator_weights_path(dir), "evaluator weights");
}

Json metrics_json(const std::array<PredictionMetrics, 4>& metrics) {
  Json out = Json::object();
  for (int t = 0; t < 4; ++t) {
    out[kDatasetTargets[t]] = {{"mape_percent", metrics[t].mape_percent},
                               {"max_ape_percent", metrics[t].max_ape_percent},
                               {"spearman", metrics[t].spearman},
                               {"kendall_tau_b", metrics[t].kendall_tau_b}};
  }
  return out;
}

void check_options(const EvaluatorTrainOptions& o) {
  if (o.epochs < 1) throw InputError("--epochs must be >= 1");
  if (o.batch < 1) throw InputError("--batch must be >= 1");
  if (!(o.learning_rate > 0) || o.learning_rate > 10)
    throw InputError("--learning-rate must be in (0, 10]");
  if (o.holdout_every < 2) throw InputError("--holdout-every must be >= 2");
  if (o.hidden.empty()) throw InputError("--hidden: give at least one layer width");
  for (int64_t h : o.hidden) {
    if (h < 1 || h > 4096) throw InputError("--hidden: layer widths must be in [1, 4096]");
  }
}

}  // namespace

EvaluatorTrainSummary train_evaluator(const EvaluatorTrainOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  check_options(o);
  const SearchSpace space = load_search_space(o.space_path);
  const FeatureSchema schema(space);
  const DatasetTable table = read_dataset_table(o.data_path, space);
  const FileFingerprint fingerprint = file_fingerprint(o.data_path);

  EvaluatorTrainSummary summary;
  summary.invalid_rows = table.invalid_rows;
  Split train = make_split(schema, table, false, o.holdout_every);
  Split validation = make_split(schema, table, true, o.holdout_every);
  summary.train_rows = static_cast<int64_t>(train.samples.size());
  summary.validation_rows = static_cast<int64_t>(validation.samples.size());
  if (summary.train_rows < 2 || summary.validation_rows < 2) {
    throw InputError(o.data_path + ": " + std::to_string(summary.train_rows) + " training and " +
                     std::to_string(summary.validation_rows) +
                     " held-out valid rows; need at least 2 of each");
  }
  torch::Tensor mean = train.targets.mean(0);
  torch::Tensor stdev = train.targets.std(0).clamp_min(1e-6);
  EvaluatorTrainOptions options = o;
  Json init_sidecar;
  if (!o.init_from.empty()) {
    init_sidecar = read_json_file(evaluator_sidecar_path(o.init_from));
    std::vector<float> m, s;
    for (const Json& t : init_sidecar.at("targets")) {
      m.push_back(t.at("log_mean").get<float>());
      s.push_back(t.at("log_std").get<float>());
    }
    mean = torch::tensor(m);
    stdev = torch::tensor(s);
    options.hidden = init_sidecar.at("network").at("hidden").get<std::vector<int64_t>>();
  }
  train.targets = (train.targets - mean) / stdev;
  validation.targets = (validation.targets - mean) / stdev;
  summary.mean_predictor_loss = validation.targets.square().mean().item<double>();

  // This command writes a checkpoint before the weights and removes it after the sidecar, so
  // weights with neither are not an interrupted run of it: someone's, kept (#21 probe).
  if (std::filesystem::exists(evaluator_weights_path(o.out_dir)) &&
      !std::filesystem::exists(evaluator_sidecar_path(o.out_dir)) &&
      !std::filesystem::exists(evaluator_checkpoint_path(o.out_dir))) {
    throw InputError(evaluator_weights_path(o.out_dir) +
                     ": weights without evaluator.json or a checkpoint (not an interrupted run); "
                     "they are kept: move them away or use another --out");
  }
  create_output_directory(o.out_dir);
  torch::manual_seed(o.seed);
  Mlp model(schema.feature_count(), options.hidden);
  if (!o.init_from.empty()) import_weights(o.init_from, model);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(o.learning_rate));
  Json key = training_key(options, fingerprint);
  if (!o.init_from.empty()) key["init_from"] = init_sidecar.at("dataset");
  int first_epoch = 0;
  if (o.resume && !std::filesystem::exists(evaluator_checkpoint_path(o.out_dir)) &&
      std::filesystem::exists(evaluator_sidecar_path(o.out_dir))) {
    // A finished run keeps no checkpoint; starting over would replace its model.
    throw InputError(o.out_dir +
                     ": holds a finished evaluator (nothing to resume); it is kept: use another "
                     "--out, or delete it to train again");
  }
  if (o.resume) first_epoch = load_checkpoint(o.out_dir, model, optimizer, key);
  summary.resumed_from_epoch = first_epoch;

  const int64_t n = summary.train_rows;
  for (int epoch = first_epoch; epoch < o.epochs; ++epoch) {
    // Cosine decay: the last epochs refine at a small step, which is what brings MAPE down.
    const double lr = o.learning_rate * 0.5 * (1 + std::cos(M_PI * epoch / o.epochs));
    for (auto& group : optimizer.param_groups()) {
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    }
    // The shuffle depends on (seed, epoch) only, so a resumed run replays the same batches.
    auto generator = at::make_generator<at::CPUGeneratorImpl>(o.seed * 1000003ULL + epoch);
    const torch::Tensor order = torch::randperm(n, generator, torch::kLong);
    model->train();
    double loss_sum = 0;
    for (int64_t begin = 0; begin < n; begin += o.batch) {
      const torch::Tensor batch = order.slice(0, begin, std::min(n, begin + o.batch));
      optimizer.zero_grad();
      const torch::Tensor loss =
          torch::mse_loss(model->forward(train.features.index_select(0, batch)),
                          train.targets.index_select(0, batch));
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>() * static_cast<double>(batch.size(0));
    }
    summary.train_loss = loss_sum / static_cast<double>(n);
    summary.validation_loss = mse(model, validation);
    save_checkpoint(o.out_dir, model, optimizer, epoch + 1, key);
    if (o.progress) o.progress(epoch + 1, o.epochs, summary.train_loss, summary.validation_loss);
  }
  if (first_epoch == o.epochs) {
    summary.train_loss = mse(model, train);
    summary.validation_loss = mse(model, validation);
  }

  Json targets = Json::array();
  for (int t = 0; t < 4; ++t) {
    targets.push_back({{"name", kDatasetTargets[t]},
                       {"transform", "log"},
                       {"log_mean", mean[t].item<double>()},
                       {"log_std", stdev[t].item<double>()}});
  }
  Json sidecar = {
      {"format", kEvaluatorFormat},
      {"space", {{"name", space.name}, {"path", o.space_path}, {"base_config", space.base_config}}},
      {"schema", schema.to_json()},
      {"targets", targets},
      {"network",
       {{"hidden", options.hidden}, {"activation", "relu"}, {"inputs", schema.feature_count()}}},
      {"dataset",
       {{"path", o.data_path},
        {"bytes", fingerprint.bytes},
        {"fnv1a64", fingerprint.fnv1a64},
        {"valid_rows", static_cast<int64_t>(table.samples.size())},
        {"invalid_rows", table.invalid_rows},
        {"simulator_version", table.simulator_version},
        {"schedule", table.schedule}}},
      {"split",
       {{"rule", "rows with index % " + std::to_string(o.holdout_every) +
                     " == " + std::to_string(o.holdout_every - 1) + " are held out"},
        {"train_rows", summary.train_rows},
        {"validation_rows", summary.validation_rows}}},
      {"training",
       {{"epochs", o.epochs},
        {"batch", o.batch},
        {"learning_rate", o.learning_rate},
        {"schedule", "cosine"},
        {"optimizer", "adam"},
        {"loss", "mse on normalised log targets"},
        {"seed", o.seed},
        {"fine_tuned_from", o.init_from},
        {"train_loss", summary.train_loss},
        {"validation_loss", summary.validation_loss},
        {"mean_predictor_validation_loss", summary.mean_predictor_loss}}}};
  export_weights(o.out_dir, model);
  sidecar["integrity"] = evaluator_integrity(sidecar, evaluator_weights_path(o.out_dir));
  write_file_atomically(evaluator_sidecar_path(o.out_dir), json_text(sidecar, 2) + "\n");

  // Held-out accuracy in physical units, through the same code path users predict with.
  const Evaluator evaluator = Evaluator::load(o.out_dir);
  const std::vector<CostVector> predicted = evaluator.predict(validation.samples);
  for (int t = 0; t < 4; ++t) {
    std::vector<double> p, truth;
    for (std::size_t i = 0; i < predicted.size(); ++i) {
      p.push_back(predicted[i][t]);
      truth.push_back(validation.truth[i][t]);
    }
    summary.validation[t] = prediction_metrics(p, truth);
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sidecar["validation"] = metrics_json(summary.validation);
  sidecar["training"]["seconds"] = summary.seconds;
  sidecar["integrity"] = evaluator_integrity(sidecar, evaluator_weights_path(o.out_dir));
  write_file_atomically(evaluator_sidecar_path(o.out_dir), json_text(sidecar, 2) + "\n");
  std::filesystem::remove(evaluator_checkpoint_path(o.out_dir));
  return summary;
}

}  // namespace duet
