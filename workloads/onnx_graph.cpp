#include "workloads/onnx_graph.hpp"

#include <cstring>

#include "workloads/input_error.hpp"

namespace duet::onnx_import {
namespace {

template <typename T>
std::vector<double> from_raw(const std::string& raw, int64_t count, const std::string& where) {
  if (static_cast<int64_t>(raw.size()) != count * static_cast<int64_t>(sizeof(T))) {
    throw InputError(where + ": raw_data holds " + std::to_string(raw.size()) +
                     " bytes, expected " + std::to_string(count * static_cast<int64_t>(sizeof(T))));
  }
  std::vector<double> out(static_cast<std::size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
    out[static_cast<std::size_t>(i)] = static_cast<double>(v);
  }
  return out;
}

template <typename Field>
std::vector<double> from_field(const Field& field, int64_t count, const std::string& where) {
  if (field.size() != count) {
    throw InputError(where + ": holds " + std::to_string(field.size()) + " values, expected " +
                     std::to_string(count));
  }
  return std::vector<double>(field.begin(), field.end());
}

std::vector<double> decode(const onnx::TensorProto& t, int64_t count, const std::string& where) {
  using T = onnx::TensorProto;
  const bool raw = t.has_raw_data();
  switch (t.data_type()) {
    case T::FLOAT:
      return raw ? from_raw<float>(t.raw_data(), count, where)
                 : from_field(t.float_data(), count, where);
    case T::DOUBLE:
      return raw ? from_raw<double>(t.raw_data(), count, where)
                 : from_field(t.double_data(), count, where);
    case T::INT64:
      return raw ? from_raw<int64_t>(t.raw_data(), count, where)
                 : from_field(t.int64_data(), count, where);
    case T::INT32:
      return raw ? from_raw<int32_t>(t.raw_data(), count, where)
                 : from_field(t.int32_data(), count, where);
    case T::INT8:
      return raw ? from_raw<int8_t>(t.raw_data(), count, where)
                 : from_field(t.int32_data(), count, where);
    case T::UINT8:
      return raw ? from_raw<uint8_t>(t.raw_data(), count, where)
                 : from_field(t.int32_data(), count, where);
    case T::BOOL:
      return raw ? from_raw<uint8_t>(t.raw_data(), count, where)
                 : from_field(t.int32_data(), count, where);
    default:
      throw InputError(where + ": tensor data type " + std::to_string(t.data_type()) +
                       " is not supported (allowed: float, double, int64, int32, int8, uint8, "
                       "bool)");
  }
}

}  // namespace

Value tensor_value(const onnx::TensorProto& t, const std::string& where) {
  Value v;
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && count > INT64_MAX / d)) {
      throw InputError(where + ": tensor dimension " + std::to_string(d) + " is out of range");
    }
    v.shape.push_back(d);
    count *= d;
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    v.kind = Value::kWeight;  // its shape is all the import needs
    return v;
  }
  if (count > kConstantLimit) {
    v.kind = Value::kWeight;
    return v;
  }
  v.kind = Value::kConstant;
  v.data = decode(t, count, where);
  return v;
}

const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

int64_t int_attribute(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
  const auto* a = find_attribute(node, name);
  return a ? a->i() : fallback;
}

float float_attribute(const onnx::NodeProto& node, const std::string& name, float fallback) {
  const auto* a = find_attribute(node, name);
  return a ? a->f() : fallback;
}

std::vector<int64_t> ints_attribute(const onnx::NodeProto& node, const std::string& name,
                                    std::vector<int64_t> fallback) {
  const auto* a = find_attribute(node, name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : fallback;
}

std::string string_attribute(const onnx::NodeProto& node, const std::string& name,
                             const std::string& fallback) {
  const auto* a = find_attribute(node, name);
  return a ? a->s() : fallback;
}

bool broadcast_shape(const Shape& a, const Shape& b, Shape& out) {
  const std::size_t rank = std::max(a.size(), b.size());
  out.assign(rank, 1);
  for (std::size_t i = 0; i < rank; ++i) {
    const int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x != y && x != 1 && y != 1) return false;
    out[i] = x == 1 ? y : x;
  }
  return true;
}

}  // namespace duet::onnx_import
