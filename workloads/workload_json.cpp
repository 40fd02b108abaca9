#include <filesystem>

#include "workloads/input_error.hpp"
#include "workloads/input_file.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/op_descriptor.hpp"
#include "workloads/workload_io.hpp"

namespace duet {
namespace {

Layer parse_layer(const Json& j, const std::string& where, const std::string& previous) {
  ObjectReader r(j, where);
  Layer l;
  l.name = r.string("name");
  ObjectReader named(j, where + " \"" + l.name + "\"");
  l.op = parse_op(named.string("op"), named.where() + ".op");
  const OpDescriptor& op = op_descriptor(l.op);
  if (named.has("inputs")) {
    l.inputs = named.string_list("inputs");
  } else if (op.inputs == 0) {
    named.string_or("inputs", "");  // none: a weight reads no tensor
  } else if (!previous.empty()) {
    named.string_or("inputs", "");
    l.inputs = {previous};
  } else {
    named.fail("inputs", "missing (the first layer must name its inputs)");
  }
  if (op.inputs > 1 && l.inputs.size() != static_cast<std::size_t>(op.inputs)) {
    named.fail("inputs", std::string(op.name) + " needs " + std::to_string(op.inputs) +
                             " inputs, got " + std::to_string(l.inputs.size()));
  }
  std::vector<std::string> allowed = {"name", "op", "inputs"};
  op.read_fields(named, l);
  if (op.nonlinear) l.impl = parse_impl(named.string_or("impl", "auto"), named.where() + ".impl");
  named.reject_unknown_keys(allowed);
  return l;
}

}  // namespace

Json workload_to_json(const Workload& w) {
  Json inputs = Json::object();
  for (const auto& in : w.inputs) inputs[in.name] = in.shape;
  Json layers = Json::array();
  for (const auto& l : w.layers) {
    Json j = {{"name", l.name}, {"op", op_name(l.op)}, {"inputs", l.inputs}};
    const OpDescriptor& op = op_descriptor(l.op);
    op.write_fields(l, j);
    if (op.nonlinear && l.impl != NonlinearImpl::kAuto) j["impl"] = impl_name(l.impl);
    layers.push_back(j);
  }
  return {{"name", w.name}, {"inputs", inputs}, {"layers", layers}};
}

Workload load_workload_json(const std::string& path) {
  return workload_from_json(read_json_file(path), path,
                            std::filesystem::path(path).stem().string());
}

Workload workload_from_json(const Json& root, const std::string& path,
                            const std::string& default_name) {
  ObjectReader top(root, path);
  Workload w;
  w.name = top.string_or("name", default_name);
  if (w.name.empty()) top.fail("name", "must not be empty (leave it out to use the file name)");
  ObjectReader inputs = top.object("inputs");
  if (root.at("inputs").empty())
    top.fail("inputs", "must name at least one input tensor, e.g. {\"x\": [1, 3, 224, 224]}");
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

Workload load_workload(const std::string& spec, const ZooOptions& options,
                       const OnnxImportOptions& onnx) {
  namespace fs = std::filesystem;
  check_path_text(spec, "workload");
  const std::string ext = fs::path(spec).extension().string();
  if (!onnx.input_shapes.empty() && ext != ".onnx")
    throw InputError(spec + ": --input-shape applies to .onnx models only");
  if (ext == ".json") return load_workload_json(spec);
  if (ext == ".csv") return import_scalesim_topology(spec);
  if (ext == ".onnx") return import_onnx(spec, onnx);
  if (is_zoo_name(spec)) return zoo_workload(spec, options);
  if (fs::exists(spec)) {
    throw InputError(spec + ": unsupported workload file type (allowed: .json, .csv, .onnx)");
  }
  return zoo_workload(spec, options);  // throws, listing the zoo names
}

}  // namespace duet
