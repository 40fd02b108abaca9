#include "workloads/onnx_import.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <set>

#include "workloads/input_error.hpp"
#include "workloads/input_file.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/onnx_graph.hpp"
#include "workloads/onnx_patterns.hpp"
#include "workloads/op_descriptor.hpp"

namespace duet {
namespace onnx_import {
namespace {

class Importer;
using Handler = void (Importer::*)(const onnx::NodeProto&);
const std::map<std::string, Handler>& handlers();

class Importer {
 public:
  Importer(std::string path, const OnnxImportOptions& options)
      : path_(std::move(path)), options_(options) {}

  Workload run() {
    read_model();
    const onnx::GraphProto& g = model_.graph();
    // Exporters name graphs generically ("torch_jit", "main_graph"): the file says more.
    workload_.name = std::filesystem::path(path_).stem().string();
    for (const auto& init : g.initializer()) {
      if (values_.count(init.name()))
        throw InputError(path_ + ": initializer \"" + printable(init.name()) +
                         "\" is defined twice (each name may be defined once)");
      values_[init.name()] = tensor_value(init, path_ + ": initializer \"" + init.name() + "\"");
    }
    std::set<std::string> listed;
    for (const auto& input : g.input()) {
      if (!listed.insert(input.name()).second)
        throw InputError(path_ + ": input \"" + printable(input.name()) + "\" is listed twice");
      if (!values_.count(input.name())) add_input(input);  // else an initializer's input entry
    }
    for (const auto& [name, shape] : options_.input_shapes) {
      if (!ir_shapes_.count(name)) {
        std::vector<std::string> names;
        for (const auto& in : workload_.inputs) names.push_back(in.name);
        throw InputError(path_ + ": --input-shape names \"" + name +
                         "\", which is not an input (inputs: " + join_list(names) + ")");
      }
    }
    for (const auto& node : g.node()) {
      for (const auto& in : node.input()) ++consumers_[in];
    }
    for (const auto& out : g.output()) ++consumers_[out.name()];  // a graph output is a use
    patterns_ = find_patterns(g, values_);
    if (options_.unsupported_as_memory) record_shapes(g);
    for (const auto& node : g.node()) translate(node);
    infer_shapes(workload_, path_);
    if (options_.warn)
      for (const auto& w : warnings_) options_.warn(w);
    return std::move(workload_);
  }

  // ---- node handlers (one per ONNX op type; the table is at the end of the file) ----

  void alias(const onnx::NodeProto& n) { define(n, 0, input(n, 0)); }

  void constant(const onnx::NodeProto& n) {
    const auto* a = find_attribute(n, "value");
    if (a && a->has_t()) return define(n, 0, tensor_value(a->t(), where(n)));
    Value v;
    v.kind = Value::kConstant;
    if ((a = find_attribute(n, "value_float"))) {
      v.data = {a->f()};
    } else if ((a = find_attribute(n, "value_int"))) {
      v.data = {static_cast<double>(a->i())};
      v.integer = true;
    } else if ((a = find_attribute(n, "value_ints"))) {
      v.integer = true;
      v.data.assign(a->ints().begin(), a->ints().end());
      v.shape = {static_cast<int64_t>(v.data.size())};
    } else if ((a = find_attribute(n, "value_floats"))) {
      v.data.assign(a->floats().begin(), a->floats().end());
      v.shape = {static_cast<int64_t>(v.data.size())};
    } else {
      fail(n, "has no value this importer reads (value, value_float(s), value_int(s))");
    }
    define(n, 0, v);
  }

  void shape(const onnx::NodeProto& n) {
    const Shape& s = input(n, 0).shape;
    const int64_t rank = static_cast<int64_t>(s.size());
    int64_t start = int_attribute(n, "start", 0), end = int_attribute(n, "end", rank);
    start = std::clamp(start < 0 ? start + rank : start, int64_t{0}, rank);
    end = std::clamp(end < 0 ? end + rank : end, int64_t{0}, rank);
    Value v;
    v.kind = Value::kConstant;
    v.integer = true;
    for (int64_t i = start; i < end; ++i) v.data.push_back(static_cast<double>(s[i]));
    v.shape = {static_cast<int64_t>(v.data.size())};
    define(n, 0, v);
  }

  void conv(const onnx::NodeProto& n) {
    const Value& x = tensor_input(n, 0);
    const Value& w = input(n, 1);
    if (w.kind == Value::kTensor) fail(n, "weights computed at run time are not supported");
    if (x.shape.size() != 4 || w.shape.size() != 4) fail(n, "only 2-D convolutions are supported");
    Layer l = layer(n, OpKind::kConv2d, {x.ir});
    l.out_channels = bounded_dim(n, w.shape[0], "out_channels");
    l.groups = int_attribute(n, "group", 1);
    if (l.groups < 1 || l.groups > INT32_MAX)
      fail(n, "group must be in [1, " + std::to_string(INT32_MAX) + "]");
    if (w.shape[1] * l.groups != x.shape[1]) {
      fail(n, "weight " + shape_string(w.shape) + " with group " + std::to_string(l.groups) +
                  " does not match the input's " + std::to_string(x.shape[1]) + " channels");
    }
    l.kernel = {bounded_dim(n, w.shape[2], "kernel"), bounded_dim(n, w.shape[3], "kernel")};
    if (find_attribute(n, "kernel_shape") &&
        ints_attribute(n, "kernel_shape") != std::vector<int64_t>{l.kernel[0], l.kernel[1]})
      fail(n, "kernel_shape differs from the weight's " + shape_string(w.shape));
    window_attributes(n, x.shape, l);
    const auto dilations = bounded(n, "dilations", {1, 1}, 2, 1);
    l.dilation = {dilations[0], dilations[1]};
    emit(n, std::move(l));  // the bias adds into the accumulators: no work of its own
  }

  // Folds into the convolution that produces its input when it is that output's only use
  // (inference-time folding); otherwise a per-channel scale and shift on the SFU.
  void batch_norm(const onnx::NodeProto& n) {
    const Value& x = tensor_input(n, 0);
    if (x.shape.size() < 2) fail(n, "the input needs a channel dimension");
    for (int i = 1; i < 5; ++i) {
      if (elements(input(n, i).shape) != x.shape[1])
        fail(n, "parameter " + std::to_string(i) + " has " +
                    std::to_string(elements(input(n, i).shape)) + " values for " +
                    std::to_string(x.shape[1]) + " channels");
    }
    const Layer* producer = producer_of(x);
    if (producer && producer->op == OpKind::kConv2d && consumers_[n.input(0)] == 1) {
      return define(n, 0, x);
    }
    emit(n, layer(n, OpKind::kBatchNorm, {x.ir}));
  }

  // `max_inputs` > 1: optional parameters that do not change the cost (Clip's min and max).
  void unary(const onnx::NodeProto& n, OpKind op, int max_inputs = 1) {
    if (n.input_size() < 1 || n.input_size() > max_inputs)
      fail(n, "expects " +
                  std::string(max_inputs == 1 ? "1 input"
                                              : "1 to " + std::to_string(max_inputs) + " inputs") +
                  ", got " + std::to_string(n.input_size()));
    for (int i = 1; i < n.input_size(); ++i)
      if (!n.input(i).empty()) input(n, i);  // defined before use
    emit(n, layer(n, op, {tensor_input(n, 0).ir}));
  }
  void relu(const onnx::NodeProto& n) { unary(n, OpKind::kRelu); }
  void clip(const onnx::NodeProto& n) { unary(n, OpKind::kClip, 3); }

  void pool(const onnx::NodeProto& n, OpKind op) {
    const Value& x = tensor_input(n, 0);
    if (x.shape.size() != 4) fail(n, "only 2-D pooling is supported");
    Layer l = layer(n, op, {x.ir});
    const auto kernel = bounded(n, "kernel_shape", {}, 2, 1);
    l.kernel = {kernel[0], kernel[1]};
    window_attributes(n, x.shape, l);
    if (bounded(n, "dilations", {1, 1}, 2, 1) != std::vector<int64_t>{1, 1})
      fail(n, "dilated pooling is not supported");
    emit(n, std::move(l));
  }
  void max_pool(const onnx::NodeProto& n) { pool(n, OpKind::kMaxPool); }
  void average_pool(const onnx::NodeProto& n) { pool(n, OpKind::kAvgPool); }
  void global_average_pool(const onnx::NodeProto& n) { unary(n, OpKind::kGlobalAvgPool); }

  void flatten(const onnx::NodeProto& n) {
    const Value& x = tensor_input(n, 0);
    const int64_t rank = static_cast<int64_t>(x.shape.size());
    int64_t axis = int_attribute(n, "axis", 1);
    if (axis < 0) axis += rank;
    if (axis < 0 || axis > rank) fail(n, "axis out of range");
    const auto mid = x.shape.begin() + axis;
    reshape_to(n, x,
               {std::accumulate(x.shape.begin(), mid, int64_t{1}, std::multiplies<>()),
                std::accumulate(mid, x.shape.end(), int64_t{1}, std::multiplies<>())});
  }

  void reshape(const onnx::NodeProto& n) {
    const Value& x = input(n, 0);
    if (!constant_input(n, 1).integer) fail(n, "the target shape must be an integer tensor");
    const std::vector<int64_t> target = constant_ints(n, 1);
    Shape shape;
    for (std::size_t i = 0; i < target.size(); ++i) {
      const int64_t d = target[i];
      // 0 copies the input's dimension (allowzero = 0, what exporters write).
      shape.push_back(d == 0 && i < x.shape.size() ? x.shape[i] : d);
    }
    if (x.kind != Value::kTensor) return define(n, 0, reshaped_constant(n, x, shape));
    reshape_to(n, x, shape);
  }

  void transpose(const onnx::NodeProto& n) {
    const Value& x = input(n, 0);
    std::vector<int64_t> perm = ints_attribute(n, "perm");
    if (perm.empty()) {
      for (int64_t i = static_cast<int64_t>(x.shape.size()) - 1; i >= 0; --i) perm.push_back(i);
    }
    if (x.kind == Value::kConstant) {
      std::vector<int64_t> sorted = perm;
      std::sort(sorted.begin(), sorted.end());
      for (std::size_t i = 0; i < sorted.size(); ++i)
        if (sorted[i] != static_cast<int64_t>(i) || sorted.size() != x.shape.size())
          fail(n, "perm is not a permutation of the input's axes");
      return define(n, 0, transpose_constant(x, perm));
    }
    if (x.kind != Value::kTensor) fail(n, "transposing a weight is not supported");
    Layer l = layer(n, OpKind::kTranspose, {x.ir});
    l.perm = perm;
    emit(n, std::move(l));
  }

  // Gemm with a weight B: a GEMM layer (the bias C adds in the accumulators). With an
  // activation B: a matmul.
  void gemm(const onnx::NodeProto& n) {
    const Value& a = tensor_input(n, 0);
    const Value& b = input(n, 1);
    if (int_attribute(n, "transA", 0)) fail(n, "transA = 1 is not supported");
    if (a.shape.size() != 2) fail(n, "A must be a matrix, got " + shape_string(a.shape));
    const bool trans_b = int_attribute(n, "transB", 0) != 0;
    if (n.input_size() > 3)
      fail(n, "takes at most 3 inputs (A, B, C), got " + std::to_string(n.input_size()));
    // The bias C is optional (absent or ""), but one it names must exist and broadcast to the
    // output: a dangling name is a broken model, not a bias of zero.
    const Value* c = n.input_size() > 2 && !n.input(2).empty() ? &input(n, 2) : nullptr;
    if (b.kind == Value::kTensor) return matmul_of(n, a, b, trans_b);
    if (b.shape.size() != 2) fail(n, "B must be a matrix");
    const int64_t k = trans_b ? b.shape[1] : b.shape[0];
    if (a.shape.empty() || k != a.shape.back())
      fail(n, "B " + shape_string(b.shape) + (trans_b ? " (transB)" : "") + " does not match A " +
                  shape_string(a.shape));
    if (c) {
      const Shape out = {a.shape[0], trans_b ? b.shape[0] : b.shape[1]};
      bool broadcasts = c->shape.size() <= 2;
      for (std::size_t d = 0; broadcasts && d < c->shape.size(); ++d) {
        const int64_t dim = c->shape[c->shape.size() - 1 - d];
        broadcasts = dim == 1 || dim == out[1 - d];
      }
      if (!broadcasts)
        fail(n, "bias C " + shape_string(c->shape) + " does not broadcast to the output " +
                    shape_string(out));
    }
    Layer l = layer(n, OpKind::kGemm, {a.ir});
    l.out_features = bounded_dim(n, trans_b ? b.shape[0] : b.shape[1], "out_features");
    emit(n, std::move(l));
  }

  void matmul(const onnx::NodeProto& n) {
    const Value& a = tensor_input(n, 0);
    const Value& b = input(n, 1);
    if (b.kind == Value::kTensor) return matmul_of(n, a, b, false);
    if (b.shape.size() != 2) fail(n, "a weight operand must be a matrix");
    if (a.shape.empty() || b.shape[0] != a.shape.back())
      fail(n, "weight " + shape_string(b.shape) + " does not match A " + shape_string(a.shape));
    Layer l = layer(n, OpKind::kGemm, {a.ir});
    l.out_features = bounded_dim(n, b.shape[1], "out_features");
    emit(n, std::move(l));
  }

  void softmax(const onnx::NodeProto& n) {
    const Value& x = tensor_input(n, 0);
    const int64_t rank = static_cast<int64_t>(x.shape.size());
    int64_t axis = int_attribute(n, "axis", opset_ >= 13 ? -1 : 1);
    if (axis < 0) axis += rank;
    // Before opset 13, Softmax flattens from `axis` on: the same as ours only on the last axis.
    if (opset_ < 13 && axis != rank - 1) fail(n, "opset < 13 softmax over several axes");
    Layer l = layer(n, OpKind::kSoftmax, {x.ir});
    l.axis = axis;
    emit(n, std::move(l));
  }

  // Add, Sub, Mul, Div. Constants fold. A constant or weight added to the output of a conv or
  // GEMM as a per-channel vector is its bias (free in the accumulators). Otherwise the op is
  // element-wise with numpy broadcasting, a constant operand read from DRAM by a `weight` layer.
  // Sub costs as add; division by a constant is a multiplication by its reciprocal.
  void arithmetic(const onnx::NodeProto& n, const std::function<double(double, double)>& f,
                  OpKind op) {
    const Value& a = input(n, 0);
    const Value& b = input(n, 1);
    if (a.kind == Value::kConstant && b.kind == Value::kConstant) return fold_binary(n, a, b, f);
    if (a.kind != Value::kTensor && b.kind != Value::kTensor)
      fail(n, "an operation on two weights is not supported");
    if (a.kind == Value::kTensor && b.kind == Value::kTensor) {
      return emit(n, layer(n, op, {a.ir, b.ir}));
    }
    const bool tensor_first = a.kind == Value::kTensor;
    const Value& x = tensor_first ? a : b;
    const Value& c = tensor_first ? b : a;
    const Layer* producer = producer_of(x);
    if (n.op_type() == "Add" && producer && runs_on_pe_array(producer->op) &&
        is_bias_of(c, *producer) && consumers_[tensor_first ? n.input(0) : n.input(1)] == 1) {
      return define(n, 0, x);
    }
    if (n.op_type() == "Div" && !tensor_first)
      return emit(n, layer(n, OpKind::kDiv, {weight_layer(n, 0), x.ir}));  // a constant / x
    const std::string w = weight_layer(n, tensor_first ? 1 : 0);
    emit(n, layer(n, op,
                  tensor_first ? std::vector<std::string>{x.ir, w}
                               : std::vector<std::string>{w, x.ir}));
  }
  void add(const onnx::NodeProto& n) { arithmetic(n, std::plus<>(), OpKind::kAdd); }
  void sub(const onnx::NodeProto& n) { arithmetic(n, std::minus<>(), OpKind::kAdd); }
  void mul(const onnx::NodeProto& n) { arithmetic(n, std::multiplies<>(), OpKind::kMul); }
  // By a constant: a multiplication by its reciprocal. By an activation: a `div` (a reciprocal
  // on the SFU and a multiply), its constant dividend read by a `weight` layer.
  void div(const onnx::NodeProto& n) {
    const Value& a = input(n, 0);
    const Value& b = input(n, 1);
    if (b.kind == Value::kTensor && a.kind != Value::kConstant) {
      const std::string dividend = a.kind == Value::kTensor ? a.ir : weight_layer(n, 0);
      return emit(n, layer(n, OpKind::kDiv, {dividend, b.ir}));
    }
    arithmetic(
        n, [](double x, double y) { return x / y; }, OpKind::kMul);
  }

  // The `weight` layer that reads constant input i from DRAM (one per ONNX value).
  std::string weight_layer(const onnx::NodeProto& n, int i) {
    const std::string& name = n.input(i);
    if (const auto it = weight_layers_.find(name); it != weight_layers_.end()) return it->second;
    Layer l;
    l.name = unique_name(name);
    l.op = OpKind::kWeight;
    l.target_shape = input(n, i).shape;
    if (l.target_shape.empty()) l.target_shape = {1};  // a scalar
    const std::string ir = l.name;
    append(n, std::move(l));
    weight_layers_[name] = ir;
    return ir;
  }

  void sigmoid(const onnx::NodeProto& n) { unary(n, OpKind::kSigmoid); }
  void tanh(const onnx::NodeProto& n) { unary(n, OpKind::kTanh); }
  void hard_sigmoid(const onnx::NodeProto& n) { unary(n, OpKind::kHardSigmoid); }
  void hard_swish(const onnx::NodeProto& n) { unary(n, OpKind::kHardSwish); }

  // Any mode (constant, reflect, edge): the consumer reads the padded tensor, its border made by
  // the address generator. Negative pads (cropping) are not supported.
  void pad(const onnx::NodeProto& n) {
    const Value& x = tensor_input(n, 0);
    const int64_t rank = static_cast<int64_t>(x.shape.size());
    const std::string mode = string_attribute(n, "mode", "constant");
    if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
      fail(n, "mode \"" + printable(mode) + "\" is not one of constant, reflect, edge, wrap");
    const int max_inputs = opset_ < 11 ? 1 : opset_ < 18 ? 3 : 4;
    if (n.input_size() > max_inputs)
      fail(n, "takes at most " + std::to_string(max_inputs) + " inputs at opset " +
                  std::to_string(opset_) + ", got " + std::to_string(n.input_size()));
    for (int i = 2; i < n.input_size(); ++i)
      if (!n.input(i).empty()) input(n, i);  // defined before use, like every input
    std::vector<int64_t> pads;
    if (opset_ < 11) {
      if (!find_attribute(n, "pads")) fail(n, "before opset 11, pads is an attribute");
      pads = ints_attribute(n, "pads");
    } else {
      const Value& p = constant_input(n, 1);
      if (!p.integer || p.shape.size() != 1) fail(n, "pads must be a 1-D integer tensor");
      pads = constant_ints(n, 1);
    }
    std::vector<int64_t> axes;
    if (n.input_size() > 3 && !n.input(3).empty()) axes = constant_ints(n, 3);
    if (axes.empty())
      for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
    if (pads.size() != 2 * axes.size())
      fail(n, "pads has " + std::to_string(pads.size()) + " values for " +
                  std::to_string(axes.size()) + " axes (needs before and after for each)");
    Layer l = layer(n, OpKind::kPad, {x.ir});
    l.pads.assign(static_cast<std::size_t>(2 * rank), 0);
    const std::size_t count = axes.size();
    std::vector<bool> seen(static_cast<std::size_t>(rank), false);
    for (std::size_t i = 0; i < count; ++i) {
      const int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (axis < 0 || axis >= rank) fail(n, "axis out of range");
      if (seen[static_cast<std::size_t>(axis)])
        fail(n, "axis " + std::to_string(axis) + " is listed twice");
      seen[static_cast<std::size_t>(axis)] = true;
      for (const int64_t p : {pads[i], pads[i + count]})
        if (p < 0 || p > INT32_MAX)
          fail(n, "pads must be in [0, " + std::to_string(INT32_MAX) +
                      "] (cropping is not supported)");
      // Reflection cannot reach further than the axis it mirrors (ONNX, numpy).
      if (mode == "reflect" && std::max(pads[i], pads[i + count]) >= x.shape[axis])
        fail(n, "reflect pads of axis " + std::to_string(axis) + " must be below its size " +
                    std::to_string(x.shape[axis]));
      l.pads[static_cast<std::size_t>(axis)] = pads[i];
      l.pads[static_cast<std::size_t>(axis + rank)] = pads[i + count];
    }
    if (std::all_of(l.pads.begin(), l.pads.end(), [](int64_t p) { return p == 0; }))
      return define(n, 0, x);
    emit(n, std::move(l));
  }

  // --unsupported as-memory: one pass over the op's data. Its output's shape comes from the
  // model's value_info when that is fully known, else from its first activation input.
  void as_memory(const onnx::NodeProto& n) {
    if (n.output_size() != 1)
      fail(n, "as-memory handles ops with one output, this one has " +
                  std::to_string(n.output_size()));
    std::vector<std::string> inputs;
    Shape first;
    for (int i = 0; i < n.input_size(); ++i) {
      if (n.input(i).empty()) continue;
      const Value& v = input(n, i);
      if (v.kind == Value::kConstant) continue;  // shape arithmetic: no data to move
      if (first.empty() && v.kind == Value::kTensor) first = v.shape;
      inputs.push_back(v.kind == Value::kTensor ? v.ir : weight_layer(n, i));
    }
    if (first.empty()) fail(n, "as-memory needs an activation input");
    Layer l = layer(n, OpKind::kMemory, inputs);
    const auto known = recorded_shapes_.find(n.output(0));
    l.target_shape = known != recorded_shapes_.end() ? known->second : first;
    // Told once the whole import succeeded, so that a failure prints one line, not a warning
    // and then an error.
    warnings_.push_back(where(n) +
                        ": op type is not supported; costed as one memory pass with output " +
                        shape_string(l.target_shape) + " (--unsupported as-memory)");
    emit(n, std::move(l));
  }

  void layer_normalization(const onnx::NodeProto& n) {
    const Value& x = tensor_input(n, 0);
    const int64_t axis = int_attribute(n, "axis", -1);
    if (axis != -1 && axis != static_cast<int64_t>(x.shape.size()) - 1)
      fail(n, "normalisation over other than the last axis is not supported");
    emit(n, layer(n, OpKind::kLayerNorm, {x.ir}));
  }

  // A pattern found before translation (GELU from Erf, LayerNorm from its decomposition):
  // its first nodes define nothing, its last node emits the fused layer.
  void fused(const onnx::NodeProto& n) {
    const auto it = patterns_.fused.find(&n);
    if (it == patterns_.fused.end()) return;  // an inner node of the pattern
    const auto found = values_.find(it->second.input);
    if (found == values_.end())
      fail(n, "input \"" + printable(it->second.input) + "\" is not defined before it");
    const Value& x = found->second;
    if (x.kind != Value::kTensor)
      fail(n, "the fused " + std::string(op_name(it->second.op)) + " reads a constant");
    const int64_t rank = static_cast<int64_t>(x.shape.size());
    if (it->second.axis != -1 && it->second.axis != rank - 1)
      fail(n, "a LayerNorm over axis " + std::to_string(it->second.axis) +
                  " (not the last) is not supported");
    emit(n, layer(n, it->second.op, {x.ir}));
  }

  // Slice of an activation along one axis with step 1: a view. Of a 1-D constant: folded.
  void slice(const onnx::NodeProto& n) {
    const Value& x = input(n, 0);
    std::vector<int64_t> starts, ends, axes, steps;
    if (opset_ < 10) {
      starts = ints_attribute(n, "starts");
      ends = ints_attribute(n, "ends");
      axes = ints_attribute(n, "axes");
    } else {
      starts = constant_ints(n, 1);
      ends = constant_ints(n, 2);
      if (n.input_size() > 3 && !n.input(3).empty()) axes = constant_ints(n, 3);
      if (n.input_size() > 4 && !n.input(4).empty()) steps = constant_ints(n, 4);
    }
    if (axes.empty())
      for (std::size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    if (starts.size() != 1 || ends.size() != 1 || axes.size() != 1)
      fail(n, "slicing more than one axis at a time is not supported");
    const int64_t step = steps.empty() ? 1 : steps[0];
    if (steps.size() > 1 || step == 0 || step == INT64_MIN)
      fail(n, "steps must be one non-zero value");
    const int64_t rank = static_cast<int64_t>(x.shape.size());
    int64_t axis = axes[0] < 0 ? axes[0] + rank : axes[0];
    if (axis < 0 || axis >= rank) fail(n, "axis out of range");
    const int64_t size = x.shape[axis];
    // ONNX's clamping: [0, size] going forward, [-1, size - 1] going backward.
    const int64_t low = step > 0 ? 0 : -1, high = step > 0 ? size : size - 1;
    auto clampi = [&](int64_t v) { return std::clamp(v < 0 ? v + size : v, low, high); };
    const int64_t start = clampi(starts[0]), end = clampi(ends[0]);
    const int64_t span = step > 0 ? end - start : start - end, stride = step > 0 ? step : -step;
    const int64_t count = span > 0 ? (span - 1) / stride + 1 : 0;
    if (count == 0) fail(n, "the slice is empty");
    if (x.kind == Value::kConstant)
      return define(n, 0, slice_constant(x, axis, start, step, count));
    if (x.kind == Value::kWeight) fail(n, "slicing a weight is not supported");
    if (step != 1) fail(n, "slicing an activation with a step other than 1 is not supported");
    if (start == 0 && end == size) return define(n, 0, x);
    Layer l = layer(n, OpKind::kSlice, {x.ir});
    l.axis = axis;
    l.start = start;
    l.end = end;
    emit(n, std::move(l));
  }

  // Split into slices along an axis (multi-output).
  void split(const onnx::NodeProto& n) {
    const Value& x = tensor_input(n, 0);
    const int64_t rank = static_cast<int64_t>(x.shape.size());
    int64_t axis = int_attribute(n, "axis", 0);
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) fail(n, "axis out of range");
    std::vector<int64_t> sizes = ints_attribute(n, "split");
    if (n.input_size() > 1 && !n.input(1).empty()) sizes = constant_ints(n, 1);
    const int64_t outputs = n.output_size();
    if (sizes.empty()) {
      if (outputs < 1 || x.shape[axis] % outputs) fail(n, "the axis does not split evenly");
      sizes.assign(static_cast<std::size_t>(outputs), x.shape[axis] / outputs);
    }
    if (static_cast<int64_t>(sizes.size()) != outputs)
      fail(n, "split sizes and outputs differ in number");
    int64_t start = 0;
    for (int64_t i = 0; i < outputs; ++i) {
      const int64_t end = start + sizes[static_cast<std::size_t>(i)];
      if (sizes[static_cast<std::size_t>(i)] < 1 || end > x.shape[axis])
        fail(n, "split sizes exceed the axis");
      Layer l;
      l.name = unique_name(n.output(static_cast<int>(i)));
      l.op = OpKind::kSlice;
      l.inputs = {x.ir};
      l.axis = axis;
      l.start = start;
      l.end = end;
      define(n, static_cast<int>(i), append(n, std::move(l)));
      start = end;
    }
  }
  // Shape arithmetic on constants: folded. On activations these ops are views or not supported.
  void gather(const onnx::NodeProto& n) {
    const Value& data = input(n, 0);
    const Value& indices = input(n, 1);
    if (data.kind != Value::kTensor && indices.kind == Value::kTensor) {
      if (data.shape.size() != 2) fail(n, "an embedding table must be a matrix");
      if (int_attribute(n, "axis", 0) != 0) fail(n, "an embedding gathers rows (axis 0)");
      Layer l = layer(n, OpKind::kEmbedding, {indices.ir});
      l.vocab = bounded_dim(n, data.shape[0], "vocab");
      l.dim = bounded_dim(n, data.shape[1], "dim");
      return emit(n, std::move(l));
    }
    int64_t axis = int_attribute(n, "axis", 0);
    if (data.kind == Value::kTensor && indices.kind == Value::kConstant &&
        indices.data.size() == 1) {
      return select(n, data, axis, constant_ints(n, 1)[0], indices.shape.empty());
    }
    if (data.kind != Value::kConstant || indices.kind != Value::kConstant)
      fail(n, "gathering from activations by computed indices is not supported");
    if (data.shape.size() > 1 || axis != 0) fail(n, "folding needs a 1-D gather");
    Value v;
    v.kind = Value::kConstant;
    v.shape = indices.shape;
    const auto size = static_cast<int64_t>(data.data.size());
    v.integer = data.integer;
    for (int64_t k : constant_ints(n, 1)) {
      if (k < 0) k += size;
      if (k < 0 || k >= size) fail(n, "index " + std::to_string(k) + " out of range");
      v.data.push_back(data.data[static_cast<std::size_t>(k)]);
    }
    define(n, 0, v);
  }

  // x[..., i, ...] along `axis`: a one-wide slice, without the axis when the index is a scalar.
  void select(const onnx::NodeProto& n, const Value& x, int64_t axis, int64_t index, bool drop) {
    const int64_t rank = static_cast<int64_t>(x.shape.size());
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) fail(n, "axis out of range");
    if (index < 0) index += x.shape[axis];
    if (index < 0 || index >= x.shape[axis]) fail(n, "index out of range");
    Layer l = layer(n, OpKind::kSlice, {x.ir});
    l.name = unique_name(l.name + (drop ? "/slice" : ""));
    l.axis = axis;
    l.start = index;
    l.end = index + 1;
    const Value sliced = append(n, std::move(l));
    if (!drop) return define(n, 0, sliced);
    Shape shape = sliced.shape;
    shape.erase(shape.begin() + axis);
    reshape_to(n, sliced, shape);
  }

  void unsqueeze_or_squeeze(const onnx::NodeProto& n, bool unsqueeze) {
    const Value& x = input(n, 0);
    std::vector<int64_t> axes = ints_attribute(n, "axes");
    if (n.input_size() > 1 && !n.input(1).empty()) {
      for (int64_t a : constant_ints(n, 1)) axes.push_back(a);
    }
    Shape shape = x.shape;
    const int64_t out_rank =
        static_cast<int64_t>(unsqueeze ? shape.size() + axes.size() : shape.size());
    for (auto& a : axes) {
      a = a < 0 ? a + out_rank : a;
      if (a < 0 || a >= out_rank) fail(n, "axis out of range");
    }
    std::sort(axes.begin(), axes.end());
    if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
      fail(n, "an axis is listed twice");
    if (unsqueeze) {
      for (int64_t a : axes) {
        if (a < 0 || a > static_cast<int64_t>(shape.size())) fail(n, "axis out of range");
        shape.insert(shape.begin() + a, 1);
      }
    } else {
      const int64_t rank = static_cast<int64_t>(shape.size());
      Shape out;
      for (int64_t i = 0; i < rank; ++i) {
        const bool listed =
            axes.empty() ? shape[i] == 1 : std::count(axes.begin(), axes.end(), i) > 0;
        if (listed && shape[i] != 1)
          fail(n,
               "axis " + std::to_string(i) + " has size " + std::to_string(shape[i]) + ", not 1");
        if (!listed) out.push_back(shape[i]);
      }
      shape = out;
    }
    if (x.kind != Value::kTensor) return define(n, 0, reshaped_constant(n, x, shape));
    reshape_to(n, x, shape);
  }
  void unsqueeze(const onnx::NodeProto& n) { unsqueeze_or_squeeze(n, true); }
  void squeeze(const onnx::NodeProto& n) { unsqueeze_or_squeeze(n, false); }

  // Concat of constants folds (1-D); with an activation it is a view, weights read by
  // `weight` layers.
  void concat(const onnx::NodeProto& n) {
    bool constants = true;
    for (int i = 0; i < n.input_size(); ++i)
      constants = constants && input(n, i).kind == Value::kConstant;
    if (constants) {
      Value v;
      v.kind = Value::kConstant;
      v.integer = true;
      for (int i = 0; i < n.input_size(); ++i) {
        const Value& x = input(n, i);
        v.integer = v.integer && x.integer;
        if (x.shape.size() > 1) fail(n, "folding needs 1-D constants");
        v.data.insert(v.data.end(), x.data.begin(), x.data.end());
      }
      v.shape = {static_cast<int64_t>(v.data.size())};
      return define(n, 0, v);
    }
    std::vector<std::string> inputs;
    for (int i = 0; i < n.input_size(); ++i) {
      inputs.push_back(input(n, i).kind == Value::kTensor ? input(n, i).ir : weight_layer(n, i));
    }
    if (inputs.size() == 1) return define(n, 0, values_.at(n.input(0)));
    Layer l = layer(n, OpKind::kConcat, inputs);
    l.axis = int_attribute(n, "axis", 0);
    emit(n, std::move(l));
  }

  // Expand of a weight or constant: a weight of the broadcast shape (a class token for the
  // batch); of an activation, only the identity.
  void expand(const onnx::NodeProto& n) {
    const Value& x = input(n, 0);
    Shape target;
    for (int64_t d : constant_ints(n, 1)) target.push_back(d);
    Shape out;
    if (!broadcast_shapes(x.shape, target, out)) fail(n, "shapes do not broadcast");
    if (checked_elements(out) < 0) fail(n, "shape " + shape_string(out) + " is out of range");
    if (out == x.shape) return define(n, 0, x);
    if (x.kind == Value::kTensor) fail(n, "expanding an activation is not supported");
    Value v = x;
    v.kind = Value::kWeight;
    v.shape = out;
    v.data.clear();
    define(n, 0, v);
  }

  void constant_of_shape(const onnx::NodeProto& n) {
    Shape shape;
    for (int64_t d : constant_ints(n, 0)) shape.push_back(d);
    if (checked_elements(shape) < 0) fail(n, "shape " + shape_string(shape) + " is out of range");
    Value v;
    const auto* a = find_attribute(n, "value");
    double fill = 0.0;
    bool integer = false;
    if (a && a->has_t()) {
      const Value t = tensor_value(a->t(), where(n));
      if (t.kind != Value::kConstant || t.data.size() != 1)
        fail(n, "value must be a one-element tensor");
      fill = t.data[0];
      integer = t.integer;
    }
    v.shape = shape;
    if (elements(shape) > kConstantLimit) {
      v.kind = Value::kWeight;
    } else {
      v.kind = Value::kConstant;
      v.integer = integer;
      v.data.assign(static_cast<std::size_t>(elements(shape)), fill);
    }
    define(n, 0, v);
  }

  void equal(const onnx::NodeProto& n) {
    fold_binary(n, constant_input(n, 0), constant_input(n, 1),
                [](double x, double y) { return x == y ? 1.0 : 0.0; });
  }

  void where_op(const onnx::NodeProto& n) {
    const Value &c = constant_input(n, 0), &x = constant_input(n, 1), &y = constant_input(n, 2);
    Value v;
    v.kind = Value::kConstant;
    v.integer = x.integer && y.integer;
    Shape xy;
    if (!broadcast_shapes(x.shape, y.shape, xy) || !broadcast_shapes(c.shape, xy, v.shape))
      fail(n, "shapes do not broadcast");
    const std::size_t count = static_cast<std::size_t>(elements(v.shape));
    for (const Value* t : {&c, &x, &y}) {
      if (t->data.size() != 1 && t->data.size() != count)
        fail(n, "folding needs scalars or operands of one shape");
    }
    auto at = [&](const Value& t, std::size_t i) {
      return t.data.size() == 1 ? t.data[0] : t.data[i];
    };
    for (std::size_t i = 0; i < count; ++i) v.data.push_back(at(c, i) != 0 ? at(x, i) : at(y, i));
    define(n, 0, v);
  }

  void cast(const onnx::NodeProto& n) {
    Value v = input(n, 0);
    if (v.kind == Value::kConstant) {
      v.integer = is_integer_type(int_attribute(n, "to", onnx::TensorProto::FLOAT));
      if (v.integer)
        for (double& d : v.data) d = std::trunc(d);
    }
    define(n, 0, v);
  }

 private:
  void read_model() {
    std::ifstream in = open_input_file(path_, kMaxDataInputBytes);
    if (!model_.ParseFromIstream(&in)) {
      throw InputError(path_ + ": not an ONNX model (the protobuf does not parse)");
    }
    bool default_domain = false;
    for (const auto& o : model_.opset_import()) {
      if (!o.domain().empty() && o.domain() != "ai.onnx") continue;
      if (default_domain) throw InputError(path_ + ": opset_import names the default domain twice");
      default_domain = true;
      opset_ = o.version();
    }
    // The operators' meaning depends on the opset; guessing one would import the model wrong.
    if (!default_domain)
      throw InputError(path_ +
                       ": opset_import has no entry for the default domain (\"\" or ai.onnx), "
                       "so the operators' version is unknown (allowed: 7 to 21)");
    if (opset_ < 7 || opset_ > 21)
      throw InputError(path_ + ": opset " + std::to_string(opset_) +
                       " is not supported (allowed: 7 to 21)");
  }

  void add_input(const onnx::ValueInfoProto& input) {
    const std::string where = path_ + ": input \"" + input.name() + "\"";
    Shape shape;
    if (auto it = options_.input_shapes.find(input.name()); it != options_.input_shapes.end()) {
      shape = it->second;
      const auto& type = input.type().tensor_type();
      if (type.has_shape() && type.shape().dim_size() != static_cast<int>(shape.size()))
        throw InputError(where + ": --input-shape gives " + std::to_string(shape.size()) +
                         " dimensions, the model declares " +
                         std::to_string(type.shape().dim_size()));
    } else {
      const auto& dims = input.type().tensor_type().shape().dim();
      for (int i = 0; i < dims.size(); ++i) {
        if (dims[i].has_dim_value()) {
          shape.push_back(dims[i].dim_value());  // range-checked below
        } else if (i == 0) {
          shape.push_back(1);  // a symbolic batch
        } else {
          throw InputError(where + ": dimension " + std::to_string(i) + " is symbolic (\"" +
                           dims[i].dim_param() + "\"); give --input-shape " + input.name() +
                           "=AxBx...");
        }
      }
    }
    if (shape.empty()) throw InputError(where + ": has no shape; give --input-shape");
    for (int64_t d : shape) {
      if (d < 1 || d > INT32_MAX || checked_elements(shape) < 0)
        throw InputError(where + ": shape " + shape_string(shape) +
                         " is out of range (each dimension in [1, " + std::to_string(INT32_MAX) +
                         "], at most 2^62 elements)");
    }
    names_.insert(input.name());  // run() refuses an input listed twice
    workload_.inputs.push_back({input.name(), shape});
    ir_shapes_[input.name()] = shape;
    Value v;
    v.ir = input.name();
    v.shape = shape;
    values_[input.name()] = v;
  }

  void record_shapes(const onnx::GraphProto& g) {
    auto record = [&](const onnx::ValueInfoProto& info) {
      Shape shape;
      for (const auto& d : info.type().tensor_type().shape().dim()) {
        if (!d.has_dim_value() || d.dim_value() < 1 || d.dim_value() > INT32_MAX) return;
        shape.push_back(d.dim_value());
      }
      if (!shape.empty() && checked_elements(shape) >= 0) recorded_shapes_[info.name()] = shape;
    };
    for (const auto& info : g.value_info()) record(info);
    for (const auto& info : g.output()) record(info);
  }

  void translate(const onnx::NodeProto& n) {
    if (!n.domain().empty() && n.domain() != "ai.onnx") {
      if (options_.unsupported_as_memory) return as_memory(n);
      fail(n, "operator domain \"" + n.domain() + "\" is not supported");
    }
    if (n.output_size() == 0 || n.output(0).empty()) fail(n, "has no output");
    if (patterns_.nodes.count(&n)) return fused(n);
    const auto it = handlers().find(n.op_type());
    if (it == handlers().end() && options_.unsupported_as_memory) return as_memory(n);
    if (it == handlers().end()) {
      fail(n, "op type is not supported (supported: " + join_list(onnx_supported_ops()) + ")");
    }
    (this->*(it->second))(n);
  }

  std::string where(const onnx::NodeProto& n) const {
    const std::string name = !n.name().empty()     ? n.name()
                             : n.output_size() > 0 ? n.output(0)
                                                   : "(unnamed)";
    return path_ + ": node \"" + printable(name) + "\" (" + printable(n.op_type()) + ")";
  }
  [[noreturn]] void fail(const onnx::NodeProto& n, const std::string& what) const {
    throw InputError(where(n) + ": " + what);
  }

  const Value& input(const onnx::NodeProto& n, int i) {
    if (i >= n.input_size() || n.input(i).empty()) fail(n, "missing input " + std::to_string(i));
    const auto it = values_.find(n.input(i));
    if (it == values_.end()) fail(n, "input \"" + n.input(i) + "\" is not defined before it");
    return it->second;
  }
  const Value& tensor_input(const onnx::NodeProto& n, int i) {
    const Value& v = input(n, i);
    if (v.kind != Value::kTensor) fail(n, "input " + std::to_string(i) + " must be an activation");
    return v;
  }
  const Value& constant_input(const onnx::NodeProto& n, int i) {
    const Value& v = input(n, i);
    if (v.kind != Value::kConstant)
      fail(n, "input " + std::to_string(i) + " must be a constant the importer can fold");
    return v;
  }

  void define(const onnx::NodeProto& n, int output, const Value& v) {
    if (output >= n.output_size()) fail(n, "missing output " + std::to_string(output));
    if (!values_.emplace(n.output(output), v).second)
      fail(n, "output \"" + printable(n.output(output)) +
                  "\" is already defined (ONNX values are assigned once)");
  }

  // Names in messages: control characters (a newline in a node name) would break the
  // one-line error.
  static std::string printable(const std::string& name) {
    std::string out;
    for (unsigned char ch : name) out += ch < 0x20 || ch == 0x7f ? '?' : static_cast<char>(ch);
    return out;
  }

  Layer layer(const onnx::NodeProto& n, OpKind op, std::vector<std::string> inputs) {
    Layer l;
    l.name = unique_name(n.name().empty() ? n.output(0) : n.name());
    l.op = op;
    l.inputs = std::move(inputs);
    return l;
  }

  // Appends the layer with its shapes inferred now (later nodes such as Shape and Flatten need
  // them) and returns its output.
  Value append(const onnx::NodeProto& n, Layer l) {
    if (!names_.insert(l.name).second) fail(n, "layer name \"" + l.name + "\" is used twice");
    for (const auto& in : l.inputs) l.input_shapes.push_back(ir_shapes_.at(in));
    const OpDescriptor& op = op_descriptor(l.op);
    const ShapeChecker check(where(n), l);
    l.output_shape = op.infer(l, check);
    check.require(checked_elements(l.output_shape) >= 0,
                  "output shape " + shape_string(l.output_shape) + " has more than 2^62 elements");
    Value v;
    v.ir = l.name;
    v.shape = l.output_shape;
    ir_shapes_[l.name] = l.output_shape;
    producers_[l.name] = workload_.layers.size();
    workload_.layers.push_back(std::move(l));
    return v;
  }
  void emit(const onnx::NodeProto& n, Layer l) { define(n, 0, append(n, std::move(l))); }

  // `base`, or base#2, base#3... when exporters repeat names.
  std::string unique_name(const std::string& base) const {
    std::string name = base;
    for (int k = 2; names_.count(name); ++k) name = base + "#" + std::to_string(k);
    return name;
  }

  std::vector<int64_t> constant_ints(const onnx::NodeProto& n, int i) {
    std::vector<int64_t> out;
    for (double d : constant_input(n, i).data) {
      if (std::isnan(d)) fail(n, "input " + std::to_string(i) + " holds NaN");
      // Exporters write INT64_MAX for "to the end" (Slice); as a double it rounds to 2^63,
      // which int64 cannot hold, so the extremes saturate (consumers range-check the values).
      out.push_back(d >= 9.2e18 ? INT64_MAX : d <= -9.2e18 ? INT64_MIN : static_cast<int64_t>(d));
    }
    return out;
  }

  void reshape_to(const onnx::NodeProto& n, const Value& x, const Shape& shape) {
    if (shape == x.shape) return define(n, 0, x);
    Layer l = layer(n, OpKind::kReshape, {x.ir});
    l.target_shape = shape;
    emit(n, std::move(l));
  }

  Value reshaped_constant(const onnx::NodeProto& n, const Value& x, Shape shape) {
    const int64_t total =
        std::accumulate(x.shape.begin(), x.shape.end(), int64_t{1}, std::multiplies<>());
    int64_t known = 1;
    int infer = -1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == -1 && infer < 0) {
        infer = static_cast<int>(i);
      } else if (shape[i] < 0 || __builtin_mul_overflow(known, shape[i], &known) ||
                 known > kMaxElements) {
        fail(n, "cannot reshape " + shape_string(x.shape) + " to " + shape_string(shape));
      }
    }
    if (infer >= 0 && known > 0) shape[infer] = total / known;
    if (checked_elements(shape) < 0) fail(n, "shape " + shape_string(shape) + " is out of range");
    Value v = x;
    v.shape = shape;
    if (elements(shape) != total)
      fail(n, "cannot reshape " + shape_string(x.shape) + " to " + shape_string(shape));
    return v;
  }

  void fold_binary(const onnx::NodeProto& n, const Value& a, const Value& b,
                   const std::function<double(double, double)>& f) {
    Value v;
    v.kind = Value::kConstant;
    v.integer = a.integer && b.integer;
    if (!broadcast_shapes(a.shape, b.shape, v.shape)) fail(n, "shapes do not broadcast");
    const std::size_t count = static_cast<std::size_t>(elements(v.shape));
    // Shape arithmetic folds scalars and equal-length operands; nothing else is needed.
    for (const Value* x : {&a, &b}) {
      if (x->data.size() != 1 && x->data.size() != count)
        fail(n, "folding needs scalars or operands of one shape, got " + shape_string(a.shape) +
                    " and " + shape_string(b.shape));
    }
    for (std::size_t i = 0; i < count; ++i) {
      const double x = a.data.size() == 1 ? a.data[0] : a.data[i];
      const double y = b.data.size() == 1 ? b.data[0] : b.data[i];
      const double r = f(x, y);
      v.data.push_back(v.integer ? std::trunc(r) : r);  // integer division truncates
    }
    define(n, 0, v);
  }

  void matmul_of(const onnx::NodeProto& n, const Value& a, const Value& b, bool transpose_b) {
    Layer l = layer(n, OpKind::kMatmul, {a.ir, b.ir});
    l.transpose_b = transpose_b;
    emit(n, std::move(l));
  }

  // An attribute list of `count` integers in [min, INT32_MAX] (the IR's JSON ranges).
  std::vector<int64_t> bounded(const onnx::NodeProto& n, const std::string& name,
                               std::vector<int64_t> fallback, std::size_t count, int64_t min) {
    const std::vector<int64_t> v = ints_attribute(n, name, std::move(fallback));
    if (v.size() != count)
      fail(n, name + " must have " + std::to_string(count) + " entries, got " +
                  std::to_string(v.size()));
    for (int64_t x : v) {
      if (x < min || x > INT32_MAX)
        fail(n, name + " must be in [" + std::to_string(min) + ", " + std::to_string(INT32_MAX) +
                    "], got " + std::to_string(x));
    }
    return v;
  }

  // A weight dimension the IR stores (out_channels, out_features, vocab, dim).
  int64_t bounded_dim(const onnx::NodeProto& n, int64_t d, const std::string& what) {
    if (d < 1 || d > INT32_MAX)
      fail(n, what + " " + std::to_string(d) + " is out of range [1, " + std::to_string(INT32_MAX) +
                  "]");
    return d;
  }

  // pads (ONNX: begins then ends) and strides; auto_pad SAME_* pads like TensorFlow; ceil_mode
  // pads the end so that the last partial window counts.
  void window_attributes(const onnx::NodeProto& n, const Shape& in, Layer& l) {
    const auto strides = bounded(n, "strides", {1, 1}, 2, 1);
    l.stride = {strides[0], strides[1]};
    auto pads = bounded(n, "pads", {0, 0, 0, 0}, 4, 0);
    const auto dil = bounded(n, "dilations", {1, 1}, 2, 1);
    const std::string auto_pad = string_attribute(n, "auto_pad", "NOTSET");
    for (int i = 0; i < 2; ++i) {
      const int64_t span = dil[i] * (l.kernel[i] - 1) + 1;
      if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
        const int64_t out = (in[2 + i] + l.stride[i] - 1) / l.stride[i];
        const int64_t total = std::max<int64_t>(0, (out - 1) * l.stride[i] + span - in[2 + i]);
        const int64_t small = total / 2, large = total - small;
        pads[i] = auto_pad == "SAME_UPPER" ? small : large;
        pads[i + 2] = auto_pad == "SAME_UPPER" ? large : small;
      } else if (auto_pad == "VALID") {
        pads[i] = pads[i + 2] = 0;
      } else if (auto_pad != "NOTSET") {
        fail(n, "auto_pad \"" + auto_pad + "\" (allowed: NOTSET, SAME_UPPER, SAME_LOWER, VALID)");
      }
      if (int_attribute(n, "ceil_mode", 0)) {
        // Output ceil((padded - span) / stride) + 1, less a last window that would start in
        // the end padding (ONNX's and PyTorch's rule); the end is padded to reach it.
        const int64_t padded = in[2 + i] + pads[i] + pads[i + 2];
        if (padded >= span) {
          int64_t out = (padded - span + l.stride[i] - 1) / l.stride[i] + 1;
          if ((out - 1) * l.stride[i] >= in[2 + i] + pads[i]) --out;
          pads[i + 2] += std::max<int64_t>(0, (out - 1) * l.stride[i] + span - padded);
        }
      }
    }
    l.padding = {pads[0], pads[1], pads[2], pads[3]};
  }

  const Layer* producer_of(const Value& x) const {
    const auto it = producers_.find(x.ir);
    return it == producers_.end() ? nullptr : &workload_.layers[it->second];
  }

  // A vector of the producer's output channels (or a scalar) broadcast over its output.
  static bool is_bias_of(const Value& c, const Layer& producer) {
    const Shape& out = producer.output_shape;
    const int64_t channels = producer.op == OpKind::kConv2d ? out[1] : out.back();
    const int64_t count = elements(c.shape);
    if (count != 1 && count != channels) return false;
    Shape broadcast;
    return broadcast_shapes(out, c.shape, broadcast) && broadcast == out;
  }

  std::string path_;
  OnnxImportOptions options_;
  onnx::ModelProto model_;
  int64_t opset_ = 13;
  Workload workload_;
  std::map<std::string, Value> values_;               // by ONNX value name
  std::map<std::string, int> consumers_;              // ONNX value name -> nodes reading it
  std::map<std::string, Shape> ir_shapes_;            // IR tensor -> shape
  std::map<std::string, std::size_t> producers_;      // IR tensor -> layer index
  std::map<std::string, std::string> weight_layers_;  // ONNX value -> its weight layer
  Patterns patterns_;
  // Output shapes the exporter recorded (value_info, graph outputs), where every dimension is
  // known.
  std::map<std::string, Shape> recorded_shapes_;
  std::vector<std::string> warnings_;  // as-memory nodes
  std::set<std::string> names_;
};

const std::map<std::string, Handler>& handlers() {
  static const std::map<std::string, Handler> table = {
      {"Add", &Importer::add},
      {"ConstantOfShape", &Importer::constant_of_shape},
      {"Equal", &Importer::equal},
      {"Expand", &Importer::expand},
      {"LayerNormalization", &Importer::layer_normalization},
      {"Sigmoid", &Importer::sigmoid},
      {"Tanh", &Importer::tanh},
      {"HardSigmoid", &Importer::hard_sigmoid},
      {"HardSwish", &Importer::hard_swish},
      {"Pad", &Importer::pad},
      {"Slice", &Importer::slice},
      {"Split", &Importer::split},
      {"Where", &Importer::where_op},
      {"AveragePool", &Importer::average_pool},
      {"BatchNormalization", &Importer::batch_norm},
      {"Cast", &Importer::cast},
      {"Clip", &Importer::clip},
      {"Concat", &Importer::concat},
      {"Constant", &Importer::constant},
      {"Conv", &Importer::conv},
      {"Div", &Importer::div},
      {"Dropout", &Importer::alias},
      {"Flatten", &Importer::flatten},
      {"Gather", &Importer::gather},
      {"Gemm", &Importer::gemm},
      {"GlobalAveragePool", &Importer::global_average_pool},
      {"Identity", &Importer::alias},
      {"MatMul", &Importer::matmul},
      {"MaxPool", &Importer::max_pool},
      {"Mul", &Importer::mul},
      {"Relu", &Importer::relu},
      {"Reshape", &Importer::reshape},
      {"Shape", &Importer::shape},
      {"Softmax", &Importer::softmax},
      {"Squeeze", &Importer::squeeze},
      {"Sub", &Importer::sub},
      {"Transpose", &Importer::transpose},
      {"Unsqueeze", &Importer::unsqueeze},
  };
  return table;
}

}  // namespace
}  // namespace onnx_import

Workload import_onnx(const std::string& path, const OnnxImportOptions& options) {
  GOOGLE_PROTOBUF_VERIFY_VERSION;
  return onnx_import::Importer(path, options).run();
}

std::vector<std::string> onnx_supported_ops() {
  std::vector<std::string> names;
  for (const auto& [name, handler] : onnx_import::handlers()) names.push_back(name);
  return names;
}

std::pair<std::string, Shape> parse_input_shape(const std::string& text,
                                                const std::string& option) {
  const auto eq = text.find('=');
  const std::string usage =
      option + ": expected NAME=DxDx... (e.g. input=1x3x224x224), got \"" + text + "\"";
  if (eq == std::string::npos || eq == 0 || eq + 1 >= text.size()) throw InputError(usage);
  Shape shape;
  std::size_t start = eq + 1;
  while (start <= text.size()) {
    const std::size_t x = std::min(text.find('x', start), text.size());
    const std::string d = text.substr(start, x - start);
    if (d.empty() || d.size() > 12 || d.find_first_not_of("0123456789") != std::string::npos)
      throw InputError(usage);
    const int64_t v = std::stoll(d);
    if (v < 1) throw InputError(usage);
    shape.push_back(v);
    start = x + 1;
  }
  return {text.substr(0, eq), shape};
}

}  // namespace duet
