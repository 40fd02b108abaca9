#include "workloads/workload.hpp"

#include <map>
#include <numeric>
#include <utility>

#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet {
namespace {

const std::vector<std::pair<OpKind, const char*>>& op_table() {
  static const std::vector<std::pair<OpKind, const char*>> table = {
      {OpKind::kConv2d, "conv2d"},
      {OpKind::kGemm, "gemm"},
      {OpKind::kMatmul, "matmul"},
      {OpKind::kAdd, "add"},
      {OpKind::kMul, "mul"},
      {OpKind::kMaxPool, "maxpool"},
      {OpKind::kAvgPool, "avgpool"},
      {OpKind::kGlobalAvgPool, "global_avgpool"},
      {OpKind::kRelu, "relu"},
      {OpKind::kGelu, "gelu"},
      {OpKind::kSilu, "silu"},
      {OpKind::kSoftmax, "softmax"},
      {OpKind::kLayerNorm, "layernorm"},
      {OpKind::kEmbedding, "embedding"},
      {OpKind::kReshape, "reshape"},
      {OpKind::kTranspose, "transpose"},
  };
  return table;
}

class ShapeChecker {
 public:
  ShapeChecker(const std::string& source, const Layer& layer)
      : where_(source + ": layer \"" + layer.name + "\" (" + op_name(layer.op) + ")") {}
  [[noreturn]] void fail(const std::string& what) const { throw InputError(where_ + ": " + what); }
  void require(bool ok, const std::string& what) const {
    if (!ok) fail(what);
  }
  void positive(int64_t v, const std::string& field) const {
    if (v <= 0) fail(field + " must be positive, got " + std::to_string(v));
  }

 private:
  std::string where_;
};

int64_t conv_out(int64_t in, int64_t kernel, int64_t stride, int64_t pad_lo, int64_t pad_hi,
                 int64_t dilation) {
  int64_t span = dilation * (kernel - 1) + 1;
  return (in + pad_lo + pad_hi - span) / stride + 1;
}

Shape infer_conv_like(const Layer& l, const ShapeChecker& c, bool is_conv) {
  const Shape& in = l.input_shapes[0];
  c.require(in.size() == 4, "expects an NCHW input, got shape " + shape_string(in));
  for (int i = 0; i < 2; ++i) {
    c.positive(l.kernel[i], "kernel");
    c.positive(l.stride[i], "stride");
    c.positive(l.dilation[i], "dilation");
  }
  for (int64_t p : l.padding) c.require(p >= 0, "padding must be >= 0");
  for (int i = 0; i < 2; ++i) {
    const int64_t span = l.dilation[i] * (l.kernel[i] - 1) + 1;
    const int64_t padded = in[2 + i] + l.padding[i] + l.padding[i + 2];
    c.require(span <= padded, "kernel (span " + std::to_string(span) +
                                  ") larger than the padded input " + shape_string(in));
  }
  int64_t ho = conv_out(in[2], l.kernel[0], l.stride[0], l.padding[0], l.padding[2], l.dilation[0]);
  int64_t wo = conv_out(in[3], l.kernel[1], l.stride[1], l.padding[1], l.padding[3], l.dilation[1]);
  if (!is_conv) return {in[0], in[1], ho, wo};
  c.positive(l.out_channels, "out_channels");
  c.positive(l.groups, "groups");
  c.require(in[1] % l.groups == 0 && l.out_channels % l.groups == 0,
            "groups (" + std::to_string(l.groups) + ") must divide input channels (" +
                std::to_string(in[1]) + ") and out_channels (" + std::to_string(l.out_channels) +
                ")");
  return {in[0], l.out_channels, ho, wo};
}

Shape infer_layer(Layer& l, const ShapeChecker& c) {
  const auto& ins = l.input_shapes;
  auto arity = [&](std::size_t n) {
    c.require(ins.size() == n,
              "expects " + std::to_string(n) + " input(s), got " + std::to_string(ins.size()));
  };
  switch (l.op) {
    case OpKind::kConv2d:
      arity(1);
      return infer_conv_like(l, c, true);
    case OpKind::kMaxPool:
    case OpKind::kAvgPool:
      arity(1);
      return infer_conv_like(l, c, false);
    case OpKind::kGlobalAvgPool:
      arity(1);
      c.require(ins[0].size() == 4, "expects an NCHW input, got " + shape_string(ins[0]));
      return {ins[0][0], ins[0][1], 1, 1};
    case OpKind::kGemm: {
      arity(1);
      c.require(!ins[0].empty(), "input must have at least one dimension");
      c.positive(l.out_features, "out_features");
      Shape out = ins[0];
      out.back() = l.out_features;
      return out;
    }
    case OpKind::kMatmul: {
      arity(2);
      const Shape& a = ins[0];
      const Shape& b = ins[1];
      c.require(
          a.size() >= 2 && a.size() == b.size(),
          "inputs must have equal rank >= 2, got " + shape_string(a) + " and " + shape_string(b));
      for (std::size_t i = 0; i + 2 < a.size(); ++i) {
        c.require(a[i] == b[i],
                  "batch dimensions differ: " + shape_string(a) + " vs " + shape_string(b));
      }
      int64_t kb = l.transpose_b ? b.back() : b[b.size() - 2];
      int64_t n = l.transpose_b ? b[b.size() - 2] : b.back();
      c.require(a.back() == kb, "shape mismatch: A " + shape_string(a) +
                                    " has K=" + std::to_string(a.back()) + " but B " +
                                    shape_string(b) + " has K=" + std::to_string(kb) +
                                    (l.transpose_b ? " (transpose_b)" : ""));
      Shape out = a;
      out.back() = n;
      return out;
    }
    case OpKind::kAdd:
    case OpKind::kMul:
      arity(2);
      c.require(ins[0] == ins[1],
                "shape mismatch: " + shape_string(ins[0]) + " vs " + shape_string(ins[1]));
      return ins[0];
    case OpKind::kRelu:
    case OpKind::kGelu:
    case OpKind::kSilu:
    case OpKind::kLayerNorm:
      arity(1);
      return ins[0];
    case OpKind::kSoftmax: {
      arity(1);
      int64_t rank = static_cast<int64_t>(ins[0].size());
      c.require(
          l.axis >= -rank && l.axis < rank,
          "axis " + std::to_string(l.axis) + " out of range for shape " + shape_string(ins[0]));
      if (l.axis < 0) l.axis += rank;
      return ins[0];
    }
    case OpKind::kEmbedding: {
      arity(1);
      c.positive(l.vocab, "vocab");
      c.positive(l.dim, "dim");
      Shape out = ins[0];
      out.push_back(l.dim);
      return out;
    }
    case OpKind::kReshape: {
      arity(1);
      c.require(!l.target_shape.empty(), "shape must not be empty");
      int64_t known = 1;
      int infer_at = -1;
      Shape out = l.target_shape;
      for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == -1) {
          c.require(infer_at < 0, "at most one -1 allowed in shape");
          infer_at = static_cast<int>(i);
        } else {
          c.positive(out[i], "shape[" + std::to_string(i) + "]");
          known *= out[i];
        }
      }
      int64_t n = elements(ins[0]);
      if (infer_at >= 0) {
        c.require(n % known == 0,
                  "cannot reshape " + shape_string(ins[0]) + " to " + shape_string(l.target_shape));
        out[infer_at] = n / known;
      }
      c.require(elements(out) == n, "cannot reshape " + shape_string(ins[0]) + " (" +
                                        std::to_string(n) + " elements) to " + shape_string(out));
      return out;
    }
    case OpKind::kTranspose: {
      arity(1);
      const Shape& in = ins[0];
      c.require(l.perm.size() == in.size(),
                "perm must have " + std::to_string(in.size()) + " entries");
      std::vector<bool> seen(in.size(), false);
      Shape out;
      for (int64_t p : l.perm) {
        c.require(p >= 0 && p < static_cast<int64_t>(in.size()) && !seen[p],
                  "perm must be a permutation of 0.." + std::to_string(in.size() - 1));
        seen[p] = true;
        out.push_back(in[p]);
      }
      return out;
    }
  }
  c.fail("unsupported op");
}

}  // namespace

const char* op_name(OpKind op) {
  for (const auto& [kind, name] : op_table()) {
    if (kind == op) return name;
  }
  return "?";
}

std::vector<std::string> op_names() {
  std::vector<std::string> names;
  for (const auto& entry : op_table()) names.emplace_back(entry.second);
  return names;
}

OpKind parse_op(const std::string& name, const std::string& where) {
  for (const auto& [kind, n] : op_table()) {
    if (name == n) return kind;
  }
  if (name == "matmul_batched") return OpKind::kMatmul;
  throw InputError(where + ": unknown op \"" + name + "\" (allowed: " + join_list(op_names()) +
                   ")");
}

bool is_nonlinear(OpKind op) {
  return op == OpKind::kGelu || op == OpKind::kSilu || op == OpKind::kSoftmax ||
         op == OpKind::kLayerNorm;
}

bool runs_on_pe_array(OpKind op) {
  return op == OpKind::kConv2d || op == OpKind::kGemm || op == OpKind::kMatmul;
}

bool is_view(OpKind op) { return op == OpKind::kReshape || op == OpKind::kTranspose; }

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
    layer.output_shape = infer_layer(layer, check);
    if (!known.emplace(layer.name, layer.output_shape).second) {
      check.fail("duplicate layer name");
    }
  }
}

GemmView gemm_view(const Layer& l) {
  GemmView v;
  switch (l.op) {
    case OpKind::kConv2d: {
      const Shape& in = l.input_shapes[0];
      const Shape& out = l.output_shape;
      v.p = out[0] * out[2] * out[3];
      v.k = l.kernel[0] * l.kernel[1] * (in[1] / l.groups);
      v.f = l.out_channels / l.groups;
      v.repeats = l.groups;
      break;
    }
    case OpKind::kGemm: {
      const Shape& in = l.input_shapes[0];
      v.k = in.back();
      v.p = elements(in) / v.k;
      v.f = l.out_features;
      break;
    }
    case OpKind::kMatmul: {
      const Shape& a = l.input_shapes[0];
      const Shape& out = l.output_shape;
      v.p = a[a.size() - 2];
      v.k = a.back();
      v.f = out.back();
      v.repeats = elements(a) / (v.p * v.k);
      break;
    }
    default:
      break;
  }
  return v;
}

int64_t layer_macs(const Layer& layer) {
  if (!runs_on_pe_array(layer.op)) return 0;
  GemmView v = gemm_view(layer);
  return v.p * v.k * v.f * v.repeats;
}

int64_t total_macs(const Workload& workload) {
  int64_t sum = 0;
  for (const auto& layer : workload.layers) sum += layer_macs(layer);
  return sum;
}

}  // namespace duet
