#include "models/coexplore/sfu_approximations.hpp"

namespace duet::coexplore {

SfuApproximations::SfuApproximations(const SearchSpace& space, const AcceleratorConfig& base) {
  if (space.network.kind != "vit") return;
  for (std::size_t d = 0; d < space.hardware.size(); ++d) {
    if (space.hardware[d].name == "sfu_kind") kind_ = static_cast<int>(d);
    if (space.hardware[d].name == "lut_entries") entries_ = static_cast<int>(d);
  }
  if (kind_ < 0 || entries_ < 0) return;  // every space has both (hardware_dimensions)
  dimensions_ = {static_cast<std::size_t>(kind_), static_cast<std::size_t>(entries_)};
  for (const Json& v : space.hardware[kind_].values) kinds_.push_back(v.get<std::string>());
  for (const Json& v : space.hardware[entries_].values) entry_counts_.push_back(v.get<int>());
  ops_["exact"] = exact_ops();
  ops_["ibert"] = ibert_ops();
  const LutPrecision precision =
      parse_lut_precision(data_type_name(base.sfu_lut_precision), "sfu.lut_precision");
  for (int n : entry_counts_) {
    ops_["nnlut-" + std::to_string(n)] =
        nnlut_ops(load_lut_tables(configs_dir() + "/luts", n), precision);
  }
}

std::string SfuApproximations::name(const std::vector<int>& hardware) const {
  if (dimensions_.empty()) return "";
  const std::string& kind = kinds_.at(hardware.at(kind_));
  return kind == "nnlut" ? "nnlut-" + std::to_string(entry_counts_.at(hardware.at(entries_)))
                         : kind;
}

const NonlinearOps& SfuApproximations::ops(const std::vector<int>& hardware) const {
  static const NonlinearOps exact = exact_ops();
  return dimensions_.empty() ? exact : ops_.at(name(hardware));
}

}  // namespace duet::coexplore
