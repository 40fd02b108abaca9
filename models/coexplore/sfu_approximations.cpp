#include "models/coexplore/sfu_approximations.hpp"

namespace duet::coexplore {

SfuApproximations::SfuApproximations(const SearchSpace& space, const AcceleratorConfig& base) {
  if (space.network.kind != "vit") return;
  applies_ = true;
  for (std::size_t d = 0; d < space.hardware.size(); ++d) {
    if (space.hardware[d].name == "sfu_kind") kind_ = static_cast<int>(d);
    if (space.hardware[d].name == "lut_entries") entries_ = static_cast<int>(d);
  }
  // A dimension the space does not search keeps the base config's value.
  if (kind_ >= 0) {
    dimensions_.push_back(static_cast<std::size_t>(kind_));
    for (const Json& v : space.hardware[kind_].values) kinds_.push_back(v.get<std::string>());
  } else {
    kinds_ = {sfu_kind_name(base.sfu_kind)};
  }
  if (entries_ >= 0) {
    dimensions_.push_back(static_cast<std::size_t>(entries_));
    for (const Json& v : space.hardware[entries_].values) entry_counts_.push_back(v.get<int>());
  } else {
    entry_counts_ = {static_cast<int>(base.sfu_lut_entries)};
  }
  ops_["exact"] = exact_ops();
  ops_["ibert"] = ibert_ops();
  if (std::find(kinds_.begin(), kinds_.end(), "nnlut") == kinds_.end()) return;
  const LutPrecision precision =
      parse_lut_precision(data_type_name(base.sfu_lut_precision), "sfu.lut_precision");
  for (int n : entry_counts_) {
    ops_["nnlut-" + std::to_string(n)] =
        nnlut_ops(load_lut_tables(configs_dir() + "/luts", n), precision);
  }
}

const std::string& SfuApproximations::kind(const std::vector<int>& hardware) const {
  return kinds_.at(kind_ >= 0 ? hardware.at(kind_) : 0);
}

std::string SfuApproximations::name(const std::vector<int>& hardware) const {
  if (!applies_) return "";
  const std::string& k = kind(hardware);
  if (k != "nnlut") return k;
  return "nnlut-" + std::to_string(entry_counts_.at(entries_ >= 0 ? hardware.at(entries_) : 0));
}

bool SfuApproximations::matters(std::size_t dimension, const std::vector<int>& hardware) const {
  return static_cast<int>(dimension) != entries_ || kind(hardware) == "nnlut";
}

const NonlinearOps& SfuApproximations::ops(const std::vector<int>& hardware) const {
  static const NonlinearOps exact = exact_ops();
  return applies_ ? ops_.at(name(hardware)) : exact;
}

}  // namespace duet::coexplore
