#include "models/evaluator/feature_schema.hpp"

#include <algorithm>
#include <cmath>

#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet {
namespace {

bool all_numbers(const std::vector<Json>& values) {
  return std::all_of(values.begin(), values.end(), [](const Json& v) { return v.is_number(); });
}

std::string choice_text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

FeatureSchema::FeatureSchema(const SearchSpace& space)
    : space_name_(space.name), network_identity_(network_identity(space)) {
  for (const auto& dim : space.hardware) {
    FeatureDimension f;
    f.column = "hw_" + dim.name;
    f.choices = dim.values;
    f.numeric = all_numbers(dim.values);
    dimensions_.push_back(f);
  }
  for (const auto& block : space.network.blocks) {
    FeatureDimension f;
    f.column = "net_" + block.name;
    for (const auto& option : block.options) f.choices.emplace_back(option);
    dimensions_.push_back(f);
  }
  lay_out();
}

void FeatureSchema::lay_out() {
  feature_count_ = 0;
  for (auto& f : dimensions_) {
    f.offset = feature_count_;
    f.width = f.numeric ? 1 : static_cast<int>(f.choices.size());
    if (f.numeric) {
      f.log2_low = f.log2_high = std::log2(f.choices.front().get<double>());
      for (const auto& v : f.choices) {
        f.log2_low = std::min(f.log2_low, std::log2(v.get<double>()));
        f.log2_high = std::max(f.log2_high, std::log2(v.get<double>()));
      }
    }
    feature_count_ += f.width;
  }
}

int FeatureSchema::choice_count() const {
  int n = 0;
  for (const auto& f : dimensions_) n += static_cast<int>(f.choices.size());
  return n;
}

Json FeatureSchema::to_json() const {
  Json dims = Json::array();
  for (const auto& f : dimensions_) {
    dims.push_back({{"column", f.column},
                    {"encoding", f.numeric ? "log2_scaled" : "one_hot"},
                    {"choices", f.choices},
                    {"log2_low", f.log2_low},
                    {"log2_high", f.log2_high},
                    {"offset", f.offset},
                    {"width", f.width}});
  }
  Json out = {{"space", space_name_}, {"feature_count", feature_count_}, {"dimensions", dims}};
  if (!network_identity_.is_null()) out["network_identity"] = network_identity_;
  return out;
}

FeatureSchema FeatureSchema::from_json(const Json& json, const std::string& where) {
  FeatureSchema schema;
  try {
    schema.space_name_ = json.at("space").get<std::string>();
    if (json.contains("network_identity")) schema.network_identity_ = json["network_identity"];
    for (const auto& d : json.at("dimensions")) {
      FeatureDimension f;
      f.column = d.at("column").get<std::string>();
      f.numeric = d.at("encoding").get<std::string>() == "log2_scaled";
      f.choices = d.at("choices").get<std::vector<Json>>();
      if (f.choices.empty() || (f.numeric && !all_numbers(f.choices))) {
        throw InputError("dimension " + f.column + " has no usable choices");
      }
      schema.dimensions_.push_back(f);
    }
    schema.lay_out();
    if (json.at("feature_count").get<int>() != schema.feature_count_) {
      throw InputError("feature_count disagrees with the dimensions");
    }
  } catch (const InputError& e) {
    throw InputError(where + ": feature schema: " + e.what());
  } catch (const std::exception& e) {
    throw InputError(where + ": feature schema is malformed (" + exception_text(e) + ")");
  }
  return schema;
}

std::vector<float> FeatureSchema::encode(const Sample& sample) const {
  std::vector<int> choices = sample.hardware;
  choices.insert(choices.end(), sample.blocks.begin(), sample.blocks.end());
  if (choices.size() != dimensions_.size()) {
    throw InputError("sample " + std::to_string(sample.index) + " has " +
                     std::to_string(choices.size()) + " choices; the feature schema has " +
                     std::to_string(dimensions_.size()) + " dimensions");
  }
  std::vector<float> features(feature_count_, 0.0f);
  for (std::size_t d = 0; d < dimensions_.size(); ++d) {
    const auto& f = dimensions_[d];
    if (f.numeric) {
      const double span = f.log2_high - f.log2_low;
      const double x = std::log2(f.choices.at(choices[d]).get<double>());
      features[f.offset] = span > 0 ? static_cast<float>((x - f.log2_low) / span) : 0.0f;
    } else {
      features[f.offset + choices[d]] = 1.0f;
    }
  }
  return features;
}

std::vector<float> FeatureSchema::relaxation_matrix() const {
  const int choices = choice_count();
  std::vector<float> matrix(static_cast<std::size_t>(feature_count_) * choices, 0.0f);
  int column = 0;
  for (const auto& f : dimensions_) {
    const double span = f.log2_high - f.log2_low;
    for (std::size_t c = 0; c < f.choices.size(); ++c, ++column) {
      if (f.numeric) {
        const double x = std::log2(f.choices[c].get<double>());
        matrix[static_cast<std::size_t>(f.offset) * choices + column] =
            span > 0 ? static_cast<float>((x - f.log2_low) / span) : 0.0f;
      } else {
        matrix[static_cast<std::size_t>(f.offset + c) * choices + column] = 1.0f;
      }
    }
  }
  return matrix;
}

std::vector<float> FeatureSchema::encode_relaxed(
    const std::vector<std::vector<double>>& weights) const {
  if (weights.size() != dimensions_.size()) {
    throw InputError("relaxed choices: " + std::to_string(weights.size()) +
                     " dimensions given, the feature schema has " +
                     std::to_string(dimensions_.size()));
  }
  const std::vector<float> matrix = relaxation_matrix();
  const int choices = choice_count();
  std::vector<double> flat;
  for (std::size_t d = 0; d < weights.size(); ++d) {
    if (weights[d].size() != dimensions_[d].choices.size()) {
      throw InputError("relaxed choices: " + dimensions_[d].column + " has " +
                       std::to_string(dimensions_[d].choices.size()) + " choices, got " +
                       std::to_string(weights[d].size()) + " weights");
    }
    flat.insert(flat.end(), weights[d].begin(), weights[d].end());
  }
  std::vector<float> features(feature_count_, 0.0f);
  for (int i = 0; i < feature_count_; ++i) {
    double sum = 0;
    for (int c = 0; c < choices; ++c)
      sum += matrix[static_cast<std::size_t>(i) * choices + c] * flat[c];
    features[i] = static_cast<float>(sum);
  }
  return features;
}

std::vector<float> FeatureSchema::encode_values(const std::vector<Json>& values,
                                                std::vector<std::string>& off_grid,
                                                std::vector<std::string>& out_of_range) const {
  if (values.size() != dimensions_.size()) {
    throw InputError(std::to_string(values.size()) + " values given, the feature schema has " +
                     std::to_string(dimensions_.size()) + " dimensions");
  }
  std::vector<float> features(feature_count_, 0.0f);
  for (std::size_t d = 0; d < dimensions_.size(); ++d) {
    const auto& f = dimensions_[d];
    const Json& v = values[d];
    std::vector<std::string> allowed;
    for (const auto& c : f.choices) allowed.push_back(choice_text(c));
    const auto hit = std::find(f.choices.begin(), f.choices.end(), v);
    if (!f.numeric) {
      if (hit == f.choices.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        throw InputError(f.column + " = " + choice_text(v) +
                         " is not a choice of the trained space (allowed: " + list + ")");
      }
      features[f.offset + (hit - f.choices.begin())] = 1.0f;
      continue;
    }
    if (!v.is_number() || !(v.get<double>() > 0)) {
      throw InputError(f.column + " = " + choice_text(v) + " is not a positive number");
    }
    const double x = std::log2(v.get<double>());
    const double span = f.log2_high - f.log2_low;
    features[f.offset] = span > 0 ? static_cast<float>((x - f.log2_low) / span) : 0.0f;
    if (hit != f.choices.end()) continue;
    const std::string note =
        f.column + " = " + v.dump() + " (trained on " + Json(f.choices).dump() + ")";
    const double slack = 1e-9;
    if (x < f.log2_low - slack || x > f.log2_high + slack) {
      out_of_range.push_back(note);
    } else {
      off_grid.push_back(note);
    }
  }
  return features;
}

SearchSpace FeatureSchema::space_outline() const {
  SearchSpace space;
  space.name = space_name_;
  space.path = "the evaluator's space " + space_name_;
  for (const auto& f : dimensions_) {
    if (f.column.rfind("hw_", 0) == 0) {
      space.hardware.push_back({f.column.substr(3), f.choices});
    } else {
      BlockSpace block{f.column.substr(4), {}};
      for (const auto& c : f.choices) block.options.push_back(choice_text(c));
      space.network.blocks.push_back(block);
    }
  }
  return space;
}

std::string FeatureSchema::difference(const FeatureSchema& other) const {
  // Schemas from before the identity was recorded compare by dimensions alone.
  if (!network_identity_.is_null() && !other.network_identity_.is_null() &&
      network_identity_ != other.network_identity_) {
    return "network: the networks differ (family definition or a fixed workload's content)";
  }
  if (dimensions_.size() != other.dimensions_.size()) {
    return std::to_string(dimensions_.size()) + " dimensions vs " +
           std::to_string(other.dimensions_.size());
  }
  for (std::size_t d = 0; d < dimensions_.size(); ++d) {
    const auto& a = dimensions_[d];
    const auto& b = other.dimensions_[d];
    if (a.column != b.column)
      return "dimension " + std::to_string(d + 1) + ": " + a.column + " vs " + b.column;
    if (a.choices != b.choices || a.numeric != b.numeric) {
      return a.column + ": choices " + Json(a.choices).dump() + " vs " + Json(b.choices).dump();
    }
  }
  return "";
}

}  // namespace duet
