#include "workloads/onnx_import.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <set>

#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/onnx_graph.hpp"
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
      values_[init.name()] = tensor_value(init, path_ + ": initializer \"" + init.name() + "\"");
    }
    for (const auto& input : g.input()) {
      if (!values_.count(input.name())) add_input(input);
    }
    for (const auto& node : g.node()) {
      for (const auto& in : node.input()) ++consumers_[in];
    }
    for (const auto& node : g.node()) translate(node);
    infer_shapes(workload_, path_);
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
    } else if ((a = find_attribute(n, "value_ints"))) {
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
    l.out_channels = w.shape[0];
    l.groups = int_attribute(n, "group", 1);
    l.kernel = {w.shape[2], w.shape[3]};
    window_attributes(n, x.shape, l);
    const auto dilations = ints_attribute(n, "dilations", {1, 1});
    l.dilation = {dilations.at(0), dilations.at(1)};
    emit(n, std::move(l));  // the bias adds into the accumulators: no work of its own
  }

  // Folds into the convolution that produces its input when it is that output's only use
  // (inference-time folding); otherwise a per-channel scale and shift on the SFU.
  void batch_norm(const onnx::NodeProto& n) {
    const Value& x = tensor_input(n, 0);
    const Layer* producer = producer_of(x);
    if (producer && producer->op == OpKind::kConv2d && consumers_[n.input(0)] == 1) {
      return define(n, 0, x);
    }
    emit(n, layer(n, OpKind::kBatchNorm, {x.ir}));
  }

  void unary(const onnx::NodeProto& n, OpKind op) {
    emit(n, layer(n, op, {tensor_input(n, 0).ir}));
  }
  void relu(const onnx::NodeProto& n) { unary(n, OpKind::kRelu); }
  void clip(const onnx::NodeProto& n) { unary(n, OpKind::kClip); }

  void pool(const onnx::NodeProto& n, OpKind op) {
    const Value& x = tensor_input(n, 0);
    if (x.shape.size() != 4) fail(n, "only 2-D pooling is supported");
    Layer l = layer(n, op, {x.ir});
    const auto kernel = ints_attribute(n, "kernel_shape");
    if (kernel.size() != 2) fail(n, "kernel_shape must have two entries");
    l.kernel = {kernel[0], kernel[1]};
    window_attributes(n, x.shape, l);
    if (ints_attribute(n, "dilations", {1, 1}) != std::vector<int64_t>{1, 1})
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
    const Value& target = constant_input(n, 1);
    Shape shape;
    for (std::size_t i = 0; i < target.data.size(); ++i) {
      const auto d = static_cast<int64_t>(target.data[i]);
      // 0 copies the input's dimension (allowzero = 0, what exporters write).
      shape.push_back(d == 0 && i < x.shape.size() ? x.shape[i] : d);
    }
    if (x.kind != Value::kTensor) return define(n, 0, reshaped_constant(n, x, shape));
    reshape_to(n, x, shape);
  }

  void transpose(const onnx::NodeProto& n) {
    const Value& x = tensor_input(n, 0);
    std::vector<int64_t> perm = ints_attribute(n, "perm");
    if (perm.empty()) {
      for (int64_t i = static_cast<int64_t>(x.shape.size()) - 1; i >= 0; --i) perm.push_back(i);
    }
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
    const bool trans_b = int_attribute(n, "transB", 0) != 0;
    if (b.kind == Value::kTensor) return matmul_of(n, a, b, trans_b);
    if (b.shape.size() != 2) fail(n, "B must be a matrix");
    Layer l = layer(n, OpKind::kGemm, {a.ir});
    l.out_features = trans_b ? b.shape[0] : b.shape[1];
    emit(n, std::move(l));
  }

  void matmul(const onnx::NodeProto& n) {
    const Value& a = tensor_input(n, 0);
    const Value& b = input(n, 1);
    if (b.kind == Value::kTensor) return matmul_of(n, a, b, false);
    if (b.shape.size() != 2) fail(n, "a weight operand must be a matrix");
    Layer l = layer(n, OpKind::kGemm, {a.ir});
    l.out_features = b.shape[1];
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

  // Add, Sub, Mul, Div. Constants fold; two activations of one shape are an element-wise op;
  // a weight or constant added to the output of a conv or GEMM is its bias (free in the
  // accumulators).
  void arithmetic(const onnx::NodeProto& n, const std::function<double(double, double)>& f,
                  OpKind op) {
    const Value& a = input(n, 0);
    const Value& b = input(n, 1);
    if (a.kind == Value::kConstant && b.kind == Value::kConstant) return fold_binary(n, a, b, f);
    if (a.kind == Value::kTensor && b.kind == Value::kTensor) {
      if (a.shape != b.shape) {
        fail(n, "broadcasting between activations " + shape_string(a.shape) + " and " +
                    shape_string(b.shape) + " is not supported yet");
      }
      return emit(n, layer(n, op, {a.ir, b.ir}));
    }
    const bool tensor_first = a.kind == Value::kTensor;
    const Value& x = tensor_first ? a : b;
    const Value& c = tensor_first ? b : a;
    const Layer* producer = producer_of(x);
    const bool adds = n.op_type() == "Add";
    if (adds && producer && runs_on_pe_array(producer->op) && is_bias_of(c, *producer) &&
        consumers_[tensor_first ? n.input(0) : n.input(1)] == 1) {
      return define(n, 0, x);
    }
    fail(n, "an operation with a constant operand of shape " + shape_string(c.shape) +
                " is not supported yet");
  }
  void add(const onnx::NodeProto& n) { arithmetic(n, std::plus<>(), OpKind::kAdd); }
  void sub(const onnx::NodeProto& n) { arithmetic(n, std::minus<>(), OpKind::kAdd); }
  void mul(const onnx::NodeProto& n) { arithmetic(n, std::multiplies<>(), OpKind::kMul); }
  void div(const onnx::NodeProto& n) {
    const Value& b = input(n, 1);
    if (input(n, 0).kind == Value::kConstant && b.kind == Value::kConstant) {
      return fold_binary(n, input(n, 0), b, [](double x, double y) { return x / y; });
    }
    fail(n, "division of activations is not supported yet");
  }

  // Shape arithmetic on constants: folded. On activations these ops are views or not supported.
  void gather(const onnx::NodeProto& n) {
    const Value& data = input(n, 0);
    const Value& indices = input(n, 1);
    if (data.kind == Value::kWeight && indices.kind == Value::kTensor) {
      if (data.shape.size() != 2) fail(n, "an embedding table must be a matrix");
      Layer l = layer(n, OpKind::kEmbedding, {indices.ir});
      l.vocab = data.shape[0];
      l.dim = data.shape[1];
      return emit(n, std::move(l));
    }
    if (data.kind != Value::kConstant || indices.kind != Value::kConstant)
      fail(n, "gathering from activations is not supported yet");
    int64_t axis = int_attribute(n, "axis", 0);
    if (data.shape.size() > 1 || axis != 0) fail(n, "folding needs a 1-D gather");
    Value v;
    v.kind = Value::kConstant;
    v.shape = indices.shape;
    const auto size = static_cast<int64_t>(data.data.size());
    for (double i : indices.data) {
      int64_t k = static_cast<int64_t>(i);
      if (k < 0) k += size;
      if (k < 0 || k >= size) fail(n, "index " + std::to_string(k) + " out of range");
      v.data.push_back(data.data[static_cast<std::size_t>(k)]);
    }
    define(n, 0, v);
  }

  void unsqueeze_or_squeeze(const onnx::NodeProto& n, bool unsqueeze) {
    const Value& x = input(n, 0);
    std::vector<int64_t> axes = ints_attribute(n, "axes");
    if (n.input_size() > 1 && !n.input(1).empty()) {
      for (double a : constant_input(n, 1).data) axes.push_back(static_cast<int64_t>(a));
    }
    Shape shape = x.shape;
    if (unsqueeze) {
      const int64_t rank = static_cast<int64_t>(shape.size() + axes.size());
      for (auto& a : axes) a = a < 0 ? a + rank : a;
      std::sort(axes.begin(), axes.end());
      for (int64_t a : axes) {
        if (a < 0 || a > static_cast<int64_t>(shape.size())) fail(n, "axis out of range");
        shape.insert(shape.begin() + a, 1);
      }
    } else {
      const int64_t rank = static_cast<int64_t>(shape.size());
      Shape out;
      for (int64_t i = 0; i < rank; ++i) {
        const bool listed = axes.empty() ? shape[i] == 1
                                         : std::count(axes.begin(), axes.end(), i) +
                                                   std::count(axes.begin(), axes.end(), i - rank) >
                                               0;
        if (!listed) out.push_back(shape[i]);
      }
      shape = out;
    }
    if (x.kind != Value::kTensor) return define(n, 0, reshaped_constant(n, x, shape));
    reshape_to(n, x, shape);
  }
  void unsqueeze(const onnx::NodeProto& n) { unsqueeze_or_squeeze(n, true); }
  void squeeze(const onnx::NodeProto& n) { unsqueeze_or_squeeze(n, false); }

  void concat(const onnx::NodeProto& n) {
    Value v;
    v.kind = Value::kConstant;
    for (int i = 0; i < n.input_size(); ++i) {
      const Value& x = input(n, i);
      if (x.kind != Value::kConstant) fail(n, "concatenating activations is not supported yet");
      if (x.shape.size() > 1) fail(n, "folding needs 1-D constants");
      v.data.insert(v.data.end(), x.data.begin(), x.data.end());
    }
    v.shape = {static_cast<int64_t>(v.data.size())};
    define(n, 0, v);
  }

  void cast(const onnx::NodeProto& n) { define(n, 0, input(n, 0)); }

 private:
  void read_model() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw InputError(path_ + ": cannot open");
    if (!model_.ParseFromIstream(&in)) {
      throw InputError(path_ + ": not an ONNX model (the protobuf does not parse)");
    }
    for (const auto& o : model_.opset_import()) {
      if (o.domain().empty() || o.domain() == "ai.onnx") opset_ = o.version();
    }
  }

  void add_input(const onnx::ValueInfoProto& input) {
    const std::string where = path_ + ": input \"" + input.name() + "\"";
    Shape shape;
    if (auto it = options_.input_shapes.find(input.name()); it != options_.input_shapes.end()) {
      shape = it->second;
    } else {
      const auto& dims = input.type().tensor_type().shape().dim();
      for (int i = 0; i < dims.size(); ++i) {
        if (dims[i].has_dim_value() && dims[i].dim_value() > 0) {
          shape.push_back(dims[i].dim_value());
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
    workload_.inputs.push_back({input.name(), shape});
    ir_shapes_[input.name()] = shape;
    Value v;
    v.ir = input.name();
    v.shape = shape;
    values_[input.name()] = v;
  }

  void translate(const onnx::NodeProto& n) {
    if (!n.domain().empty() && n.domain() != "ai.onnx") {
      fail(n, "operator domain \"" + n.domain() + "\" is not supported");
    }
    const auto it = handlers().find(n.op_type());
    if (it == handlers().end()) {
      fail(n, "op type is not supported (supported: " + join_list(onnx_supported_ops()) + ")");
    }
    (this->*(it->second))(n);
  }

  std::string where(const onnx::NodeProto& n) const {
    return path_ + ": node \"" + (n.name().empty() ? n.output(0) : n.name()) + "\" (" +
           n.op_type() + ")";
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
    values_[n.output(output)] = v;
  }

  Layer layer(const onnx::NodeProto& n, OpKind op, std::vector<std::string> inputs) {
    Layer l;
    l.name = n.name().empty() ? n.output(0) : n.name();
    if (names_.count(l.name)) l.name = n.output(0);  // exporters can repeat node names
    l.op = op;
    l.inputs = std::move(inputs);
    return l;
  }

  // Appends the layer with its shapes inferred now: later nodes (Shape, Flatten) need them.
  void emit(const onnx::NodeProto& n, Layer l) {
    if (!names_.insert(l.name).second) fail(n, "layer name \"" + l.name + "\" is used twice");
    for (const auto& in : l.inputs) l.input_shapes.push_back(ir_shapes_.at(in));
    const OpDescriptor& op = op_descriptor(l.op);
    l.output_shape = op.infer(l, ShapeChecker(path_, l));
    Value v;
    v.ir = l.name;
    v.shape = l.output_shape;
    ir_shapes_[l.name] = l.output_shape;
    producers_[l.name] = workload_.layers.size();
    workload_.layers.push_back(std::move(l));
    define(n, 0, v);
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
      if (shape[i] == -1) {
        infer = static_cast<int>(i);
      } else {
        known *= shape[i];
      }
    }
    if (infer >= 0 && known > 0) shape[infer] = total / known;
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
    if (!broadcast_shape(a.shape, b.shape, v.shape)) fail(n, "shapes do not broadcast");
    const std::size_t count = static_cast<std::size_t>(elements(v.shape));
    // Shape arithmetic folds scalars and equal-length vectors; anything else is not needed.
    for (std::size_t i = 0; i < count; ++i) {
      const double x = a.data.size() == 1 ? a.data[0] : a.data.at(i);
      const double y = b.data.size() == 1 ? b.data[0] : b.data.at(i);
      v.data.push_back(f(x, y));
    }
    define(n, 0, v);
  }

  void matmul_of(const onnx::NodeProto& n, const Value& a, const Value& b, bool transpose_b) {
    Layer l = layer(n, OpKind::kMatmul, {a.ir, b.ir});
    l.transpose_b = transpose_b;
    emit(n, std::move(l));
  }

  // pads (ONNX: begins then ends) and strides; auto_pad SAME_* pads like TensorFlow; ceil_mode
  // pads the end so that the last partial window counts.
  void window_attributes(const onnx::NodeProto& n, const Shape& in, Layer& l) {
    const auto strides = ints_attribute(n, "strides", {1, 1});
    if (strides.size() != 2) fail(n, "strides must have two entries");
    l.stride = {strides[0], strides[1]};
    auto pads = ints_attribute(n, "pads", {0, 0, 0, 0});
    if (pads.size() != 4) fail(n, "pads must have four entries");
    const std::string auto_pad = string_attribute(n, "auto_pad", "NOTSET");
    const auto dil = ints_attribute(n, "dilations", {1, 1});
    for (int i = 0; i < 2; ++i) {
      const int64_t span = dil.at(i) * (l.kernel[i] - 1) + 1;
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
        const int64_t padded = in[2 + i] + pads[i] + pads[i + 2];
        const int64_t rest = (padded - span) % l.stride[i];
        if (rest) pads[i + 2] += l.stride[i] - rest;
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
    return broadcast_shape(out, c.shape, broadcast) && broadcast == out;
  }

  std::string path_;
  OnnxImportOptions options_;
  onnx::ModelProto model_;
  int64_t opset_ = 13;
  Workload workload_;
  std::map<std::string, Value> values_;           // by ONNX value name
  std::map<std::string, int> consumers_;          // ONNX value name -> nodes reading it
  std::map<std::string, Shape> ir_shapes_;        // IR tensor -> shape
  std::map<std::string, std::size_t> producers_;  // IR tensor -> layer index
  std::set<std::string> names_;
};

const std::map<std::string, Handler>& handlers() {
  static const std::map<std::string, Handler> table = {
      {"Add", &Importer::add},
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
