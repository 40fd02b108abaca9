#pragma once
// Where an evaluator directory keeps its files, shared by training and loading.
#include <string>

#include "workloads/json_reader.hpp"

namespace duet {

inline constexpr const char* kEvaluatorFormat = "duet-evaluator-1";

inline std::string evaluator_sidecar_path(const std::string& dir) {
  return dir + "/evaluator.json";
}
inline std::string evaluator_weights_path(const std::string& dir) { return dir + "/evaluator.pt"; }
inline std::string evaluator_checkpoint_path(const std::string& dir) {
  return dir + "/checkpoint.pt";
}

// The sidecar's "integrity" entry: hashes of the weights file and of the rest of the sidecar,
// so that a flipped byte in the weights or an edit to the sidecar is refused on load.
Json evaluator_integrity(const Json& sidecar, const std::string& weights_path);
// Throws InputError naming the file that differs from what training wrote.
void verify_evaluator_integrity(const Json& sidecar, const std::string& sidecar_path,
                                const std::string& weights_path);

}  // namespace duet
