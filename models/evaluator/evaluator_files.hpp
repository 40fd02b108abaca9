#pragma once
// Where an evaluator directory keeps its files, shared by training and loading.
#include <string>

namespace duet {

inline constexpr const char* kEvaluatorFormat = "duet-evaluator-1";

inline std::string evaluator_sidecar_path(const std::string& dir) {
  return dir + "/evaluator.json";
}
inline std::string evaluator_weights_path(const std::string& dir) { return dir + "/evaluator.pt"; }
inline std::string evaluator_checkpoint_path(const std::string& dir) {
  return dir + "/checkpoint.pt";
}

}  // namespace duet
