#include <filesystem>

#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/workload_io.hpp"

namespace duet {
namespace {

// Accepts a scalar (same value on both axes) or a pair.
std::array<int64_t, 2> pair_field(ObjectReader& r, const std::string& key, int64_t fallback,
                                  int64_t min) {
  if (!r.has(key)) {
    r.integer_or(key, fallback, min, INT32_MAX);  // marks the key as known
    return {fallback, fallback};
  }
  auto v = r.integer_list(key, min, INT32_MAX);
  if (v.size() == 1) return {v[0], v[0]};
  if (v.size() != 2) r.fail(key, "expected 1 or 2 integers, got " + std::to_string(v.size()));
  return {v[0], v[1]};
}

Layer parse_layer(const Json& j, const std::string& where, const std::string& previous) {
  ObjectReader r(j, where);
  Layer l;
  l.name = r.string("name");
  ObjectReader named(j, where + " \"" + l.name + "\"");
  l.op = parse_op(named.string("op"), named.where() + ".op");
  if (named.has("inputs")) {
    l.inputs = named.string_list("inputs");
  } else if (!previous.empty()) {
    named.string_or("inputs", "");
    l.inputs = {previous};
  } else {
    named.fail("inputs", "missing (the first layer must name its inputs)");
  }
  if (l.op == OpKind::kMatmul && l.inputs.size() != 2) {
    named.fail("inputs", "matmul needs two inputs, got " + std::to_string(l.inputs.size()));
  }
  std::vector<std::string> allowed = {"name", "op", "inputs"};
  switch (l.op) {
    case OpKind::kConv2d:
      l.out_channels = named.integer("out_channels", 1, INT32_MAX);
      l.groups = named.integer_or("groups", 1, 1, INT32_MAX);
      l.dilation = pair_field(named, "dilation", 1, 1);
      [[fallthrough]];
    case OpKind::kMaxPool:
    case OpKind::kAvgPool: {
      l.kernel = pair_field(named, "kernel", 1, 1);
      l.stride = pair_field(named, "stride", 1, 1);
      if (named.has("padding")) {
        auto p = named.integer_list("padding", 0, INT32_MAX);
        if (p.size() == 1)
          l.padding = {p[0], p[0], p[0], p[0]};
        else if (p.size() == 2)
          l.padding = {p[0], p[1], p[0], p[1]};
        else if (p.size() == 4)
          l.padding = {p[0], p[1], p[2], p[3]};
        else
          named.fail("padding", "expected 1, 2 or 4 integers (top, left, bottom, right)");
      } else {
        named.integer_or("padding", 0, 0, 0);
      }
      break;
    }
    case OpKind::kGemm:
      l.out_features = named.integer("out_features", 1, INT32_MAX);
      break;
    case OpKind::kMatmul:
      l.transpose_b = named.boolean_or("transpose_b", false);
      break;
    case OpKind::kSoftmax:
      l.axis = named.integer_or("axis", -1, -16, 15);
      break;
    case OpKind::kEmbedding:
      l.vocab = named.integer("vocab", 1, INT32_MAX);
      l.dim = named.integer("dim", 1, INT32_MAX);
      break;
    case OpKind::kReshape:
      l.target_shape = named.integer_list("shape", -1, INT32_MAX);
      break;
    case OpKind::kTranspose:
      l.perm = named.integer_list("perm", 0, 15);
      break;
    default:
      break;
  }
  if (is_nonlinear(l.op)) {
    l.impl = parse_impl(named.string_or("impl", "auto"), named.where() + ".impl");
  }
  named.reject_unknown_keys(allowed);
  return l;
}

}  // namespace

namespace {
Json pair_json(const std::array<int64_t, 2>& v) { return Json::array({v[0], v[1]}); }
}  // namespace

Json workload_to_json(const Workload& w) {
  Json inputs = Json::object();
  for (const auto& in : w.inputs) inputs[in.name] = in.shape;
  Json layers = Json::array();
  for (const auto& l : w.layers) {
    Json j = {{"name", l.name}, {"op", op_name(l.op)}, {"inputs", l.inputs}};
    switch (l.op) {
      case OpKind::kConv2d:
        j["out_channels"] = l.out_channels;
        if (l.groups != 1) j["groups"] = l.groups;
        [[fallthrough]];
      case OpKind::kMaxPool:
      case OpKind::kAvgPool:
        j["kernel"] = pair_json(l.kernel);
        j["stride"] = pair_json(l.stride);
        j["padding"] = Json::array({l.padding[0], l.padding[1], l.padding[2], l.padding[3]});
        break;
      case OpKind::kGemm:
        j["out_features"] = l.out_features;
        break;
      case OpKind::kReshape:
        j["shape"] = l.target_shape;
        break;
      default:
        break;
    }
    layers.push_back(j);
  }
  return {{"name", w.name}, {"inputs", inputs}, {"layers", layers}};
}

Workload load_workload_json(const std::string& path) {
  Json root = read_json_file(path);
  ObjectReader top(root, path);
  Workload w;
  w.name = top.string_or("name", std::filesystem::path(path).stem().string());
  ObjectReader inputs = top.object("inputs");
  for (const auto& item : root.at("inputs").items()) {
    auto shape = inputs.integer_list(item.key(), INT64_MIN, INT64_MAX);
    for (int64_t d : shape) {
      if (d <= 0)
        inputs.fail(item.key(), "dimensions must be positive, got " + shape_string(shape));
    }
    w.inputs.push_back({item.key(), shape});
  }
  const Json& layers = top.raw("layers");
  if (!layers.is_array()) top.fail("layers", "expected an array of layer objects");
  std::string previous = w.inputs.size() == 1 ? w.inputs[0].name : "";
  for (std::size_t i = 0; i < layers.size(); ++i) {
    Layer l = parse_layer(layers[i], path + ": layers[" + std::to_string(i) + "]", previous);
    previous = l.name;
    w.layers.push_back(std::move(l));
  }
  top.string_or("description", "");
  top.reject_unknown_keys();
  infer_shapes(w, path);
  return w;
}

Workload load_workload(const std::string& spec, const ZooOptions& options) {
  namespace fs = std::filesystem;
  const std::string ext = fs::path(spec).extension().string();
  if (ext == ".json") return load_workload_json(spec);
  if (ext == ".csv") return import_scalesim_topology(spec);
  if (is_zoo_name(spec)) return zoo_workload(spec, options);
  if (fs::exists(spec)) {
    throw InputError(spec + ": unsupported workload file type (allowed: .json, .csv)");
  }
  return zoo_workload(spec, options);  // throws, listing the zoo names
}

}  // namespace duet
