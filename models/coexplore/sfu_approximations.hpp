#pragma once
// Private to models/coexplore/*.cpp (includes libtorch): what a design's SFU does to the
// network's numbers. The space's sfu_kind and lut_entries dimensions pick exact ops, I-BERT's
// kernels or the NN-LUT tables of that entry count (configs/luts), for the families whose
// networks have GELU, Softmax and LayerNorm (vit).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "models/nnlut/nonlinear_ops.hpp"
#include "sim/accelerator_config.hpp"
#include "sim/dse/search_space.hpp"

namespace duet::coexplore {

class SfuApproximations {
 public:
  // Reads every table the space can choose, rounded to the base config's LUT precision (the
  // space does not search it); InputError names a missing table.
  SfuApproximations(const SearchSpace& space, const AcceleratorConfig& base);

  // Whether the family's networks have non-linear ops the SFU approximates (vit).
  bool applies() const { return applies_; }
  // The searched hardware dimensions whose choice can change the network's output (sfu_kind,
  // lut_entries); a dimension the space does not search keeps the base config's value.
  const std::vector<std::size_t>& dimensions() const { return dimensions_; }
  // Whether `dimension` changes the output at this choice: lut_entries only under nnlut.
  bool matters(std::size_t dimension, const std::vector<int>& hardware) const;

  // The ops of a full hardware choice (indices per dimension of the space).
  const NonlinearOps& ops(const std::vector<int>& hardware) const;
  // "exact", "ibert" or "nnlut-<entries>"; "" when the family has no non-linear ops.
  std::string name(const std::vector<int>& hardware) const;

 private:
  const std::string& kind(const std::vector<int>& hardware) const;

  bool applies_ = false;
  std::vector<std::size_t> dimensions_;
  int kind_ = -1, entries_ = -1;    // dimension indices, -1 when not searched
  std::vector<std::string> kinds_;  // the values each can take
  std::vector<int> entry_counts_;
  std::map<std::string, NonlinearOps> ops_;  // by name()
};

}  // namespace duet::coexplore
