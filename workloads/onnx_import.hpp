#pragma once
// ONNX models as Duet workloads (docs/onnx.md). The graph is read with ONNX's protobuf schema
// from Debian's libonnx-dev; shape-only arithmetic (Constant, Shape, Gather, Concat, ...) is
// folded; each remaining node becomes IR layers. Initializers are weights (from DRAM); all
// other tensors are activations.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "workloads/workload.hpp"

namespace duet {

struct OnnxImportOptions {
  // Shapes for graph inputs, by name: required where the model leaves a dimension symbolic
  // (a symbolic batch dimension defaults to 1).
  std::map<std::string, Shape> input_shapes;
  // An op type the importer does not know becomes a `memory` layer (one pass over its data)
  // instead of an error, and `warn` is told.
  bool unsupported_as_memory = false;
  std::function<void(const std::string&)> warn;
};

// Throws InputError naming the file and the node (its name and op type) for anything it cannot
// import, listing the supported op types.
Workload import_onnx(const std::string& path, const OnnxImportOptions& options = {});

// The ONNX op types import_onnx translates.
std::vector<std::string> onnx_supported_ops();

// "input=1x3x224x224" -> {"input", {1, 3, 224, 224}}; InputError naming `option` otherwise.
std::pair<std::string, Shape> parse_input_shape(const std::string& text, const std::string& option);

}  // namespace duet
