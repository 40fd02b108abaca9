#include "workloads/workload.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <utility>

#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/op_descriptor.hpp"

namespace duet {

const char* op_name(OpKind op) { return op_descriptor(op).name; }

std::vector<std::string> op_names() {
  std::vector<std::string> names;
  for (const auto& d : op_descriptors()) names.emplace_back(d.name);
  return names;
}

OpKind parse_op(const std::string& name, const std::string& where) {
  for (const auto& d : op_descriptors()) {
    if (name == d.name) return d.kind;
  }
  if (name == "matmul_batched") return OpKind::kMatmul;
  throw InputError(where + ": unknown op \"" + name + "\" (allowed: " + join_list(op_names()) +
                   ")");
}

bool is_nonlinear(OpKind op) { return op_descriptor(op).nonlinear; }

bool runs_on_pe_array(OpKind op) { return op_descriptor(op).unit == OpUnit::kPeArray; }

bool is_view(OpKind op) { return op_descriptor(op).unit == OpUnit::kView; }

const char* impl_name(NonlinearImpl impl) {
  switch (impl) {
    case NonlinearImpl::kAuto:
      return "auto";
    case NonlinearImpl::kExact:
      return "exact";
    case NonlinearImpl::kNnlut:
      return "nnlut";
    case NonlinearImpl::kIbert:
      return "ibert";
  }
  return "?";
}

NonlinearImpl parse_impl(const std::string& name, const std::string& where) {
  for (auto impl : {NonlinearImpl::kAuto, NonlinearImpl::kExact, NonlinearImpl::kNnlut,
                    NonlinearImpl::kIbert}) {
    if (name == impl_name(impl)) return impl;
  }
  throw InputError(where + ": unknown impl \"" + name + "\" (allowed: auto, exact, nnlut, ibert)");
}

void set_nonlinear_impl(Workload& workload, NonlinearImpl impl) {
  for (auto& layer : workload.layers) {
    if (is_nonlinear(layer.op)) layer.impl = impl;
  }
}

int64_t elements(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
}

int64_t checked_elements(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && n > kMaxElements / d)) return -1;
    n *= d;
  }
  return n;
}

bool broadcast_shapes(const Shape& a, const Shape& b, Shape& out) {
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

std::string shape_string(const Shape& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

void infer_shapes(Workload& workload, const std::string& source) {
  std::map<std::string, Shape> known;
  for (const auto& input : workload.inputs) {
    if (input.shape.empty())
      throw InputError(source + ": input \"" + input.name + "\" has no shape");
    for (int64_t d : input.shape) {
      if (d <= 0) {
        throw InputError(source + ": input \"" + input.name + "\" has a non-positive dimension " +
                         shape_string(input.shape));
      }
    }
    // Every later product of shapes relies on this bound (the fuzzer found a CSV that passed
    // 2^62 elements in its input alone).
    if (checked_elements(input.shape) < 0)
      throw InputError(source + ": input \"" + input.name + "\" has more than 2^62 elements " +
                       shape_string(input.shape));
    if (!known.emplace(input.name, input.shape).second) {
      throw InputError(source + ": duplicate input name \"" + input.name + "\"");
    }
  }
  if (workload.layers.empty()) throw InputError(source + ": workload has no layers");
  for (auto& layer : workload.layers) {
    ShapeChecker check(source, layer);
    check.require(!layer.name.empty(), "layer name must not be empty");
    layer.input_shapes.clear();
    for (const auto& in : layer.inputs) {
      auto it = known.find(in);
      if (it == known.end())
        check.fail("input \"" + in + "\" is not a workload input or earlier layer");
      layer.input_shapes.push_back(it->second);
    }
    const OpDescriptor& op = op_descriptor(layer.op);
    if (op.inputs == kAnyInputs) {
      check.require(!layer.input_shapes.empty(), "expects at least one input");
    } else {
      const std::size_t arity = static_cast<std::size_t>(op.inputs);
      check.require(layer.input_shapes.size() == arity,
                    "expects " + std::to_string(arity) + " input(s), got " +
                        std::to_string(layer.input_shapes.size()));
    }
    layer.output_shape = op.infer(layer, check);
    check.require(
        checked_elements(layer.output_shape) >= 0,
        "output shape " + shape_string(layer.output_shape) + " has more than 2^62 elements");
    if (!known.emplace(layer.name, layer.output_shape).second) {
      check.fail("duplicate layer name");
    }
  }
}

GemmView gemm_view(const Layer& l) {
  const OpDescriptor& op = op_descriptor(l.op);
  return op.gemm ? op.gemm(l) : GemmView{};
}

int64_t layer_macs(const Layer& layer) {
  if (!runs_on_pe_array(layer.op)) return 0;
  const GemmView v = gemm_view(layer);
  int64_t macs = 1;
  for (int64_t factor : {v.p, v.k, v.f, v.repeats}) {
    if (__builtin_mul_overflow(macs, factor, &macs) || macs > kMaxElements) {
      throw InputError("layer \"" + layer.name + "\" (" + op_name(layer.op) +
                       "): its multiply-accumulates exceed 2^62");
    }
  }
  return macs;
}

int64_t layer_weights(const Layer& layer) {
  const OpDescriptor& op = op_descriptor(layer.op);
  return op.weights ? op.weights(layer) : 0;
}

int64_t total_macs(const Workload& workload) {
  int64_t sum = 0;
  for (const auto& layer : workload.layers) {
    if (__builtin_add_overflow(sum, layer_macs(layer), &sum) || sum > kMaxElements)
      throw InputError(workload.name + ": its multiply-accumulates exceed 2^62");
  }
  return sum;
}

}  // namespace duet
