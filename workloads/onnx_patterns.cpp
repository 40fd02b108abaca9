#include "workloads/onnx_patterns.hpp"

#include <cmath>
#include <vector>

#include "workloads/input_error.hpp"

namespace duet::onnx_import {
namespace {

using Producers = std::map<std::string, const onnx::NodeProto*>;
using Users = std::map<std::string, std::vector<const onnx::NodeProto*>>;

std::size_t uses(const Users& users, const std::string& value) {
  const auto it = users.find(value);
  return it == users.end() ? 0 : it->second.size();
}

class PatternFinder {
 public:
  PatternFinder(const onnx::GraphProto& graph, const std::map<std::string, Value>& values)
      : values_(values) {
    Producers producer;
    Users users;
    for (const auto& n : graph.node()) {
      for (const auto& o : n.output()) producer[o] = &n;
      for (const auto& i : n.input()) users[i].push_back(&n);
    }
    for (const auto& o : graph.output()) users[o.name()].push_back(nullptr);  // a use too
    for (const auto& n : graph.node()) {
      if (n.op_type() == "Erf") find_gelu(n, producer, users);
      if (n.op_type() == "ReduceMean") find_layer_norm(n, producer, users);
      if (n.op_type() == "Sigmoid") find_gated(n, users, OpKind::kSilu);
      if (n.op_type() == "HardSigmoid" && is_hardswish_gate(n))
        find_gated(n, users, OpKind::kHardSwish);
    }
  }
  Patterns result() const { return result_; }

 private:
  // The value's scalar, if it is a one-element initializer or Constant node output.
  bool scalar_of(const std::string& name, const Producers& producer, double& out) const {
    Value v;
    if (const auto it = values_.find(name); it != values_.end()) {
      v = it->second;
    } else if (const auto p = producer.find(name);
               p != producer.end() && p->second->op_type() == "Constant") {
      const auto* a = find_attribute(*p->second, "value");
      if (!a || !a->has_t()) return false;
      try {
        v = tensor_value(a->t(), "");
      } catch (const InputError&) {
        return false;
      }
    } else {
      return false;
    }
    if (v.kind != Value::kConstant || v.data.size() != 1) return false;
    out = v.data[0];
    return true;
  }

  static const onnx::NodeProto* only_user(const onnx::NodeProto* n, const Users& users,
                                          const std::string& op) {
    if (!n || n->output_size() != 1) return nullptr;
    const auto it = users.find(out(*n, 0));
    if (it == users.end() || it->second.size() != 1 || !it->second[0]) return nullptr;
    return it->second[0]->op_type() == op ? it->second[0] : nullptr;
  }

  // The input of binary node n other than `value`, or "" if `value` is not one of them.
  // A node's input or output name, or "" when a malformed node has fewer (protobuf does not
  // check the index).
  static const std::string& in(const onnx::NodeProto& n, int i) {
    static const std::string none;
    return i < n.input_size() ? n.input(i) : none;
  }
  static const std::string& out(const onnx::NodeProto& n, int i) {
    static const std::string none;
    return i < n.output_size() ? n.output(i) : none;
  }

  static std::string other_input(const onnx::NodeProto* n, const std::string& value) {
    if (!n || n->input_size() != 2) return "";
    if (in(*n, 0) == value) return in(*n, 1);
    if (in(*n, 1) == value) return in(*n, 0);
    return "";
  }

  bool near(const std::string& name, const Producers& producer, double expected) const {
    double v = 0;
    return scalar_of(name, producer, v) && std::abs(v - expected) <= 1e-3 * std::abs(expected);
  }

  void record(OpKind op, const std::string& input, std::vector<const onnx::NodeProto*> nodes,
              int64_t axis = -1) {
    result_.fused[nodes.back()] = {op, input, axis};
    result_.nodes.insert(nodes.begin(), nodes.end());
  }

  // GELU as torch exports it: x * 0.5 * (1 + erf(x / sqrt(2))), in either multiplication order.
  void find_gelu(const onnx::NodeProto& erf, const Producers& producer, const Users& users) {
    const auto p = producer.find(in(erf, 0));
    if (p == producer.end() || p->second->op_type() != "Div" ||
        !near(in(*p->second, 1), producer, std::sqrt(2.0)))
      return;
    const onnx::NodeProto* div = p->second;
    const std::string x = in(*div, 0);
    if (x.empty()) return;
    if (uses(users, out(*div, 0)) != 1) return;
    const onnx::NodeProto* plus = only_user(&erf, users, "Add");
    if (!plus || !near(other_input(plus, out(erf, 0)), producer, 1.0)) return;
    const onnx::NodeProto* times = only_user(plus, users, "Mul");
    const std::string other = other_input(times, out(*plus, 0));
    if (other.empty()) return;
    if (other == x) {  // (x * (1 + erf)) * 0.5
      const onnx::NodeProto* half = only_user(times, users, "Mul");
      if (half && near(other_input(half, out(*times, 0)), producer, 0.5))
        record(OpKind::kGelu, x, {div, &erf, plus, times, half});
      return;
    }
    const auto h = producer.find(other);  // (x * 0.5) * (1 + erf)
    if (h != producer.end() && h->second->op_type() == "Mul" &&
        near(other_input(h->second, x), producer, 0.5) && uses(users, other) == 1)
      record(OpKind::kGelu, x, {h->second, div, &erf, plus, times});
  }

  // LayerNorm over the last axis as exporters decompose it: d = x - mean(x);
  // d / sqrt(mean(d^2) + eps), then optionally * gamma + beta.
  void find_layer_norm(const onnx::NodeProto& mean, const Producers& producer, const Users& users) {
    const std::string x = in(mean, 0);
    if (x.empty()) return;
    std::vector<int64_t> axes = ints_attribute(mean, "axes");
    double axis_input = 0;
    if (axes.empty() && mean.input_size() > 1 && scalar_of(in(mean, 1), producer, axis_input))
      axes = {static_cast<int64_t>(axis_input)};  // opset 18: axes as an input
    if (axes.size() != 1) return;
    const onnx::NodeProto* sub = only_user(&mean, users, "Sub");
    if (!sub || in(*sub, 0) != x || in(*sub, 1) != out(mean, 0)) return;
    const auto found = users.find(out(*sub, 0));
    if (found == users.end() || found->second.size() != 2) return;
    const auto& d_users = found->second;
    const onnx::NodeProto *pow = nullptr, *div = nullptr;
    for (const auto* u : d_users) {
      if (u && u->op_type() == "Pow") pow = u;
      if (u && u->op_type() == "Div") div = u;
    }
    if (!pow || !div || !near(in(*pow, 1), producer, 2.0) || in(*div, 0) != out(*sub, 0)) return;
    const onnx::NodeProto* var = only_user(pow, users, "ReduceMean");
    const onnx::NodeProto* eps = only_user(var, users, "Add");
    const onnx::NodeProto* sqrt = only_user(eps, users, "Sqrt");
    if (!sqrt || only_user(sqrt, users, "Div") != div) return;
    std::vector<const onnx::NodeProto*> nodes = {&mean, sub, pow, var, eps, sqrt, div};
    if (const onnx::NodeProto* scale = only_user(div, users, "Mul")) {
      nodes.push_back(scale);
      if (const onnx::NodeProto* shift = only_user(scale, users, "Add")) nodes.push_back(shift);
    }
    record(OpKind::kLayerNorm, x, nodes, axes[0]);
  }

  // SiLU: x * sigmoid(x). HardSwish: x * hardsigmoid(x), which exporters before opset 14 write.
  void find_gated(const onnx::NodeProto& gate, const Users& users, OpKind op) {
    const onnx::NodeProto* times = only_user(&gate, users, "Mul");
    if (times && other_input(times, out(gate, 0)) == in(gate, 0))
      record(op, in(gate, 0), {&gate, times});
  }

  // HardSwish's gate is clip(x / 6 + 1/2, 0, 1).
  static bool is_hardswish_gate(const onnx::NodeProto& n) {
    const auto* alpha = find_attribute(n, "alpha");
    const auto* beta = find_attribute(n, "beta");
    return alpha && std::abs(alpha->f() - 1.0 / 6.0) < 1e-6 &&
           (!beta || std::abs(beta->f() - 0.5) < 1e-6);
  }

  const std::map<std::string, Value>& values_;
  Patterns result_;
};

}  // namespace

Patterns find_patterns(const onnx::GraphProto& graph, const std::map<std::string, Value>& values) {
  return PatternFinder(graph, values).result();
}

}  // namespace duet::onnx_import
