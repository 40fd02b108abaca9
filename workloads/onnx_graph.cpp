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
    if (d < 0 || d > INT32_MAX || (d > 0 && count > (int64_t{1} << 62) / d)) {
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
  using T = onnx::TensorProto;
  const int type = t.data_type();
  if (type != T::FLOAT && type != T::DOUBLE && type != T::INT64 && type != T::INT32 &&
      type != T::INT8 && type != T::UINT8 && type != T::BOOL) {
    v.kind = Value::kWeight;  // fp16, bf16, ...: only the shape is read; folding will refuse it
    return v;
  }
  v.kind = Value::kConstant;
  v.integer = type != T::FLOAT && type != T::DOUBLE;
  v.data = decode(t, count, where);
  return v;
}

bool is_integer_type(int64_t type) {
  using T = onnx::TensorProto;
  return type == T::INT64 || type == T::INT32 || type == T::INT16 || type == T::INT8 ||
         type == T::UINT64 || type == T::UINT32 || type == T::UINT16 || type == T::UINT8 ||
         type == T::BOOL;
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

namespace {

// Row-major strides of a shape.
std::vector<int64_t> strides_of(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (std::size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

}  // namespace

Value slice_constant(const Value& x, int64_t axis, int64_t start, int64_t step, int64_t count) {
  const auto a = static_cast<std::size_t>(axis);
  const int64_t inner = strides_of(x.shape)[a];
  // A product, not elements / (inner * size): a zero-sized dimension makes that 0 / 0.
  const int64_t outer = elements(Shape(x.shape.begin(), x.shape.begin() + axis));
  Value v = x;
  v.shape[a] = count;
  v.data.clear();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t k = 0; k < count; ++k) {
      const auto from = x.data.begin() + (o * x.shape[a] + start + k * step) * inner;
      v.data.insert(v.data.end(), from, from + inner);
    }
  }
  return v;
}

Value transpose_constant(const Value& x, const std::vector<int64_t>& perm) {
  const std::size_t rank = x.shape.size();
  const std::vector<int64_t> in_strides = strides_of(x.shape);
  Value v = x;
  for (std::size_t i = 0; i < rank; ++i) v.shape[i] = x.shape[static_cast<std::size_t>(perm[i])];
  const std::vector<int64_t> out_strides = strides_of(v.shape);
  const int64_t total = elements(v.shape);
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t from = 0;
    for (std::size_t i = 0; i < rank; ++i) {
      const int64_t index = flat / out_strides[i] % v.shape[i];
      from += index * in_strides[static_cast<std::size_t>(perm[i])];
    }
    v.data[static_cast<std::size_t>(flat)] = x.data[static_cast<std::size_t>(from)];
  }
  return v;
}

}  // namespace duet::onnx_import
