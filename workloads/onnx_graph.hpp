#pragma once
// Private to workloads/onnx_*.cpp: the values of an ONNX graph during import, and reading
// ONNX's tensors and attributes. Includes ONNX's protobuf schema (libonnx-dev).
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/workload.hpp"

namespace duet::onnx_import {

// An ONNX value: an activation (an IR tensor), a weight (an initializer, read from DRAM), or a
// small constant whose values the importer folds (shapes, axes, scalars).
struct Value {
  enum Kind { kTensor, kWeight, kConstant } kind = kTensor;
  std::string ir;            // kTensor: the IR tensor's name
  Shape shape;               // every kind
  std::vector<double> data;  // kConstant: the values, row-major
  bool integer = false;      // kConstant: an integer type (division truncates)
};

// Initializers and Constant nodes with at most this many elements are decoded as constants;
// larger ones are weights, of which only the shape is read.
constexpr int64_t kConstantLimit = 1 << 16;

// A weight (shape only) when it is large, external or of a type without decoding (fp16, ...);
// otherwise a constant. Throws InputError naming `where` for malformed data.
Value tensor_value(const onnx::TensorProto& t, const std::string& where);

// Shape arithmetic on constants (exporters compute Pad's pads with these), folded at import.
// `count` elements along `axis` from `start` in steps of `step` (negative steps reverse).
Value slice_constant(const Value& x, int64_t axis, int64_t start, int64_t step, int64_t count);
// `perm`: a valid permutation of x's axes.
Value transpose_constant(const Value& x, const std::vector<int64_t>& perm);
bool is_integer_type(int64_t onnx_data_type);

const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node, const std::string& name);
int64_t int_attribute(const onnx::NodeProto& node, const std::string& name, int64_t fallback);
float float_attribute(const onnx::NodeProto& node, const std::string& name, float fallback);
std::vector<int64_t> ints_attribute(const onnx::NodeProto& node, const std::string& name,
                                    std::vector<int64_t> fallback = {});
std::string string_attribute(const onnx::NodeProto& node, const std::string& name,
                             const std::string& fallback);

}  // namespace duet::onnx_import
