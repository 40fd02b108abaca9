#pragma once
// Private to workloads/onnx_*.cpp: operator patterns that exporters decompose and the IR has as
// one layer (erf GELU, LayerNorm, SiLU), found before translation.
#include <map>
#include <set>
#include <string>

#include "workloads/onnx_graph.hpp"

namespace duet::onnx_import {

struct Fusion {
  OpKind op;
  std::string input;  // the ONNX value the fused layer reads
  int64_t axis;       // LayerNorm: the axis it normalises
};

struct Patterns {
  std::map<const onnx::NodeProto*, Fusion> fused;  // by the pattern's last node
  std::set<const onnx::NodeProto*> nodes;          // every node of every pattern
};

// `values`: the graph's initializers (constants among them give the patterns' scalars).
Patterns find_patterns(const onnx::GraphProto& graph, const std::map<std::string, Value>& values);

}  // namespace duet::onnx_import
