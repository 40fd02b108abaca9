#include "models/evaluator/evaluator.hpp"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "models/evaluator/evaluator_files.hpp"
#include "sim/dse/dataset_table.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet {

struct Evaluator::Impl {
  Json sidecar;
  FeatureSchema schema;
  SearchSpace space;
  std::array<double, 4> mean{}, std{};                       // of the log targets
  std::vector<torch::Tensor> weights, biases;                // dense, for autograd
  std::vector<torch::Tensor> mkldnn_weights, mkldnn_biases;  // for batched inference

  explicit Impl(FeatureSchema s) : schema(std::move(s)), space(schema.space_outline()) {}

  // Normalised outputs -> physical units.
  CostVector denormalise(const float* row) const {
    CostVector v{};
    for (int t = 0; t < 4; ++t) v[t] = std::exp(mean[t] + std[t] * row[t]);
    return v;
  }
};

Json evaluator_integrity(const Json& sidecar, const std::string& weights_path) {
  Json rest = sidecar;
  rest.erase("integrity");
  return {{"weights_fnv1a64", file_fingerprint(weights_path).fnv1a64},
          {"sidecar_fnv1a64", fnv1a64_hex(json_text(rest))}};
}

void verify_evaluator_integrity(const Json& sidecar, const std::string& sidecar_path,
                                const std::string& weights_path) {
  if (!sidecar.contains("integrity") || !sidecar["integrity"].is_object())
    throw InputError(sidecar_path +
                     ": no \"integrity\" hashes (written by an older Duet, or "
                     "removed): retrain the evaluator");
  const Json expected = evaluator_integrity(sidecar, weights_path);
  if (sidecar["integrity"].value("sidecar_fnv1a64", "") != expected["sidecar_fnv1a64"])
    throw InputError(sidecar_path +
                     ": edited since training (its hash differs); retrain the "
                     "evaluator rather than edit it");
  if (sidecar["integrity"].value("weights_fnv1a64", "") != expected["weights_fnv1a64"])
    throw InputError(weights_path +
                     ": corrupt or replaced since training (its hash differs "
                     "from " +
                     sidecar_path + ")");
}

Evaluator Evaluator::load(const std::string& dir) {
  const std::string sidecar_path = evaluator_sidecar_path(dir);
  const Json sidecar = read_json_file(sidecar_path);
  if (!sidecar.is_object() || sidecar.value("format", "") != kEvaluatorFormat) {
    throw InputError(sidecar_path + ": not an evaluator sidecar (expected \"format\": \"" +
                     kEvaluatorFormat + "\")");
  }
  const std::string weights = evaluator_weights_path(dir);
  if (!std::filesystem::exists(weights)) throw InputError(weights + ": missing");
  verify_evaluator_integrity(sidecar, sidecar_path, weights);
  auto impl = std::make_shared<Impl>(FeatureSchema::from_json(
      sidecar.contains("schema") ? sidecar["schema"] : Json(), sidecar_path));
  impl->sidecar = sidecar;
  std::vector<int64_t> hidden;
  try {
    for (int t = 0; t < 4; ++t) {
      const Json& target = sidecar.at("targets").at(t);
      impl->mean[t] = target.at("log_mean").get<double>();
      impl->std[t] = target.at("log_std").get<double>();
      if (!std::isfinite(impl->mean[t]) || !(impl->std[t] > 0) || !std::isfinite(impl->std[t]))
        throw std::invalid_argument("target " + std::to_string(t) +
                                    ": log_mean must be finite and log_std finite and > 0");
    }
    hidden = sidecar.at("network").at("hidden").get<std::vector<int64_t>>();
  } catch (const std::exception& e) {
    throw InputError(sidecar_path + ": missing or malformed targets/network (" + exception_text(e) +
                     ")");
  }

  const std::string weights_path = evaluator_weights_path(dir);
  if (!std::filesystem::exists(weights_path)) throw InputError(weights_path + ": missing");
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(weights_path);
    int64_t inputs = impl->schema.feature_count();
    hidden.push_back(4);
    for (std::size_t l = 0; l < hidden.size(); ++l) {
      torch::Tensor w, b;
      archive.read("w" + std::to_string(l), w);
      archive.read("b" + std::to_string(l), b);
      if (w.sizes() != torch::IntArrayRef{hidden[l], inputs} ||
          b.sizes() != torch::IntArrayRef{hidden[l]}) {
        throw InputError("layer " + std::to_string(l) + " has shape " + c10::str(w.sizes()) +
                         ", the sidecar implies [" + std::to_string(hidden[l]) + ", " +
                         std::to_string(inputs) + "]");
      }
      impl->weights.push_back(w.to(torch::kFloat).contiguous());
      impl->biases.push_back(b.to(torch::kFloat).contiguous());
      impl->mkldnn_weights.push_back(impl->weights.back().to_mkldnn());
      impl->mkldnn_biases.push_back(impl->biases.back().to_mkldnn());
      inputs = hidden[l];
    }
  } catch (const InputError& e) {
    throw InputError(weights_path + ": does not match " + sidecar_path + ": " + e.what());
  } catch (const c10::Error& e) {
    throw InputError(weights_path + ": not a readable evaluator archive (" +
                     e.what_without_backtrace() + ")");
  }
  Evaluator evaluator;
  evaluator.impl_ = impl;
  return evaluator;
}

void Evaluator::check_space(const SearchSpace& space) const {
  const std::string diff = FeatureSchema(space).difference(impl_->schema);
  if (!diff.empty()) {
    throw InputError("the evaluator was trained on space \"" + impl_->schema.space_name() +
                     "\", which differs from " + space.path + ": " + diff);
  }
}

const FeatureSchema& Evaluator::schema() const { return impl_->schema; }
const Json& Evaluator::sidecar() const { return impl_->sidecar; }
const SearchSpace& Evaluator::space() const { return impl_->space; }

std::vector<CostVector> Evaluator::predict_features(const std::vector<float>& features) const {
  const int64_t width = impl_->schema.feature_count();
  if (features.size() % width != 0) {
    throw InputError("predict: " + std::to_string(features.size()) +
                     " feature values is not a whole number of rows of " + std::to_string(width));
  }
  const int64_t n = static_cast<int64_t>(features.size()) / width;
  std::vector<CostVector> out;
  if (n == 0) return out;
  torch::NoGradGuard no_grad;
  // oneDNN's inner-product path: Debian's libtorch sends torch::linear to the reference BLAS,
  // which is about ten times slower for these shapes.
  torch::Tensor x =
      torch::from_blob(const_cast<float*>(features.data()), {n, width}, torch::kFloat).to_mkldnn();
  const std::size_t layers = impl_->mkldnn_weights.size();
  for (std::size_t l = 0; l < layers; ++l) {
    x = torch::mkldnn_linear(x, impl_->mkldnn_weights[l], impl_->mkldnn_biases[l]);
    if (l + 1 < layers) x = torch::relu(x);
  }
  const torch::Tensor y = x.to_dense().contiguous();
  const float* rows = y.data_ptr<float>();
  out.reserve(n);
  for (int64_t i = 0; i < n; ++i) out.push_back(impl_->denormalise(rows + 4 * i));
  return out;
}

std::vector<CostVector> Evaluator::predict(const std::vector<Sample>& samples) const {
  std::vector<float> features;
  features.reserve(samples.size() * impl_->schema.feature_count());
  for (const auto& s : samples) {
    const std::vector<float> row = impl_->schema.encode(s);
    features.insert(features.end(), row.begin(), row.end());
  }
  return predict_features(features);
}

RelaxedPrediction Evaluator::predict_relaxed(
    const std::vector<std::vector<double>>& weights) const {
  const FeatureSchema& schema = impl_->schema;
  schema.encode_relaxed(weights);  // validates the shape
  std::vector<float> flat;
  for (const auto& row : weights) flat.insert(flat.end(), row.begin(), row.end());
  const int64_t choices = schema.choice_count();
  std::vector<float> matrix = schema.relaxation_matrix();
  const torch::Tensor relax =
      torch::from_blob(matrix.data(), {schema.feature_count(), choices}, torch::kFloat).clone();
  torch::Tensor p = torch::from_blob(flat.data(), {choices}, torch::kFloat).clone();
  p.set_requires_grad(true);
  torch::Tensor x = torch::matmul(relax, p).unsqueeze(0);
  const std::size_t layers = impl_->weights.size();
  for (std::size_t l = 0; l < layers; ++l) {
    x = torch::linear(x, impl_->weights[l], impl_->biases[l]);
    if (l + 1 < layers) x = torch::relu(x);
  }
  const torch::Tensor mean =
      torch::tensor(std::vector<double>(impl_->mean.begin(), impl_->mean.end()));
  const torch::Tensor stdev =
      torch::tensor(std::vector<double>(impl_->std.begin(), impl_->std.end()));
  const torch::Tensor values = torch::exp(mean + stdev * x.squeeze(0).to(torch::kDouble));

  RelaxedPrediction result;
  for (int t = 0; t < 4; ++t) {
    result.values[t] = values[t].item<double>();
    const torch::Tensor grad =
        torch::autograd::grad({values[t]}, {p}, {}, /*retain_graph=*/true)[0].contiguous();
    const float* g = grad.data_ptr<float>();
    auto& per_dimension = result.gradients[t];
    std::size_t k = 0;
    for (const auto& row : weights) {
      per_dimension.emplace_back(g + k, g + k + row.size());
      k += row.size();
    }
  }
  return result;
}

EvaluatorTestReport test_evaluator(const Evaluator& evaluator, const std::string& data_path) {
  EvaluatorTestReport report;
  report.data_path = data_path;
  const DatasetTable table = read_dataset_table(data_path, evaluator.space());
  if (table.samples.size() < 2) {
    throw InputError(data_path + ": needs at least 2 valid rows to test, has " +
                     std::to_string(table.samples.size()));
  }
  report.invalid_rows = table.invalid_rows;
  report.truth = table.targets;
  report.predicted = evaluator.predict(table.samples);
  for (const auto& s : table.samples) report.index.push_back(s.index);
  for (int t = 0; t < 4; ++t) {
    std::vector<double> truth, predicted;
    for (std::size_t i = 0; i < report.truth.size(); ++i) {
      truth.push_back(report.truth[i][t]);
      predicted.push_back(report.predicted[i][t]);
    }
    report.metrics[t] = prediction_metrics(predicted, truth);
  }
  return report;
}

}  // namespace duet
