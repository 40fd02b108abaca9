// ONNX import (workloads/onnx_import.cpp): a small model exported by torch (shipped, generated
// by scripts/export-onnx.py --tiny), and graphs built here node by node for folding, fusion
// and errors.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "test_util.hpp"
#include "workloads/input_error.hpp"
#include "workloads/onnx_import.hpp"
#include "workloads/op_descriptor.hpp"
#include "workloads/workload_io.hpp"

namespace duet {
namespace {

using test::read_text;
using test::run_duet;
using test::TempDir;

const std::string kTinyCnn = test::source_path("tests/data/onnx/tiny_cnn.onnx");
const std::string kTinyEncoder = test::source_path("tests/data/onnx/tiny_encoder.onnx");
const std::string kTinyMixer = test::source_path("tests/data/onnx/tiny_mixer.onnx");

std::vector<OpKind> ops_of(const Workload& w) {
  std::vector<OpKind> ops;
  for (const auto& l : w.layers) ops.push_back(l.op);
  return ops;
}

// Builds a graph with one float input `x`, weights and int64 constants, and nodes.
class Graph {
 public:
  // `symbolic`: the index of a dimension left symbolic (named "n"), or -1.
  explicit Graph(const std::vector<int64_t>& input_shape, int symbolic = -1) {
    model_.set_ir_version(8);
    model_.add_opset_import()->set_version(13);
    auto* in = model_.mutable_graph()->add_input();
    in->set_name("x");
    auto* shape = in->mutable_type()->mutable_tensor_type()->mutable_shape();
    for (std::size_t i = 0; i < input_shape.size(); ++i) {
      auto* d = shape->add_dim();
      if (static_cast<int>(i) == symbolic) {
        d->set_dim_param("n");
      } else {
        d->set_dim_value(input_shape[i]);
      }
    }
  }
  void weight(const std::string& name, const std::vector<int64_t>& dims) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    int64_t n = 1;
    for (int64_t d : dims) t->add_dims(d), n *= d;
    for (int64_t i = 0; i < n; ++i) t->add_float_data(0.5f);
  }
  void scalar(const std::string& name, float value) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_float_data(value);
  }
  void ints(const std::string& name, const std::vector<int64_t>& values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(values.size()));
    for (int64_t v : values) t->add_int64_data(v);
  }
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::string& output) {
    auto* n = model_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(output + "_node");
    for (const auto& i : inputs) n->add_input(i);
    n->add_output(output);
    return *n;
  }
  static void attribute(onnx::NodeProto& n, const std::string& name,
                        const std::vector<int64_t>& values) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values) a->add_ints(v);
  }
  static void attribute(onnx::NodeProto& n, const std::string& name, int64_t value) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
  }
  void output(const std::string& name) { model_.mutable_graph()->add_output()->set_name(name); }
  onnx::ModelProto& model() { return model_; }
  std::string save(const TempDir& dir, const std::string& name = "g.onnx") const {
    const std::string path = dir.path(name);
    std::ofstream out(path, std::ios::binary);
    model_.SerializeToOstream(&out);
    return path;
  }

 private:
  onnx::ModelProto model_;
};

// The imported workload written as JSON reads back to the same layers.
void expect_round_trip_in_json(const TempDir& dir, const Workload& w) {
  const Json j = workload_to_json(w);
  const Workload back = load_workload_json(dir.file("rt.json", j.dump()));
  EXPECT_EQ(workload_to_json(back), j);
  EXPECT_EQ(total_macs(back), total_macs(w));
}

const Layer& layer_named(const Workload& w, const std::string& name) {
  for (const auto& l : w.layers) {
    if (l.name == name) return l;
  }
  throw std::runtime_error("no layer " + name);
}

TEST(OnnxImport, TorchExportedCnnBecomesTheLayersItComputes) {
  const Workload w = import_onnx(kTinyCnn);
  EXPECT_EQ(w.name, "tiny_cnn");
  ASSERT_EQ(w.inputs.size(), 1u);
  EXPECT_EQ(w.inputs[0].shape, (Shape{1, 3, 16, 16}));
  std::vector<std::string> ops;
  for (const auto& l : w.layers) ops.push_back(op_name(l.op));
  // Batch-norm was folded into the first conv by the exporter; ReLU6 is a Clip.
  EXPECT_EQ(ops, (std::vector<std::string>{"conv2d", "relu", "conv2d", "relu", "clip", "add",
                                           "maxpool", "global_avgpool", "reshape", "gemm"}));
  const Layer& dw = w.layers[2];
  EXPECT_EQ(dw.groups, 8);
  EXPECT_EQ(dw.dilation, (std::array<int64_t, 2>{2, 2}));
  EXPECT_EQ(dw.padding, (std::array<int64_t, 4>{2, 2, 2, 2}));
  // 3x3x3 stride-2 conv to 8x8x8, 3x3 depthwise on 8 channels, 8 -> 10 classifier.
  EXPECT_EQ(layer_macs(w.layers[0]), 8 * 8 * 8 * 27);
  EXPECT_EQ(layer_macs(dw), 8 * 8 * 8 * 9);
  EXPECT_EQ(total_macs(w), 8 * 8 * 8 * 27 + 8 * 8 * 8 * 9 + 80);
  EXPECT_EQ(layer_weights(w.layers.back()), 80);
}

TEST(OnnxImport, ConvertedJsonSimulatesToTheSameReport) {
  TempDir dir;
  const std::string json = dir.path("tiny.json");
  auto r = run_duet("workload convert " + kTinyCnn + " --out " + json);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_duet("sim --workload " + kTinyCnn + " --out " + dir.path("a.json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_duet("sim --workload " + json + " --out " + dir.path("b.json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  Json a = Json::parse(read_text(dir.path("a.json"))),
       b = Json::parse(read_text(dir.path("b.json")));
  for (Json* j : {&a, &b}) (*j)["summary"].erase("simulation_wall_time_s");
  EXPECT_EQ(a["summary"], b["summary"]);
  EXPECT_EQ(a["layers"], b["layers"]);
  r = run_duet("workload show " + kTinyCnn);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("tiny_cnn: 10 layers, 18512 MACs"), std::string::npos) << r.output;
}

TEST(OnnxImport, ShapeArithmeticFoldsIntoAReshape) {
  TempDir dir;
  Graph g({2, 3, 4});
  // Shape -> Gather(0) -> Unsqueeze -> Concat with [-1] -> Reshape: flatten to [batch, -1].
  g.ints("zero", {0});
  g.ints("minus_one", {-1});
  g.node("Shape", {"x"}, "s");
  auto& gather = g.node("Gather", {"s", "zero"}, "b");
  Graph::attribute(gather, "axis", 0);
  g.node("Concat", {"b", "minus_one"}, "target");
  g.node("Reshape", {"x", "target"}, "y");
  const Workload w = import_onnx(g.save(dir));
  ASSERT_EQ(w.layers.size(), 1u);
  EXPECT_EQ(w.layers[0].op, OpKind::kReshape);
  EXPECT_EQ(w.layers[0].output_shape, (Shape{2, 12}));
}

TEST(OnnxImport, BatchNormFoldsOnlyIntoAConvItAloneReads) {
  TempDir dir;
  Graph g({1, 2, 5, 5});
  g.weight("w", {4, 2, 3, 3});
  for (const char* p : {"scale", "bias", "mean", "var"}) g.weight(p, {4});
  g.node("Conv", {"x", "w"}, "c");
  g.node("BatchNormalization", {"c", "scale", "bias", "mean", "var"}, "bn");
  g.node("Relu", {"bn"}, "r");
  g.node("BatchNormalization", {"r", "scale", "bias", "mean", "var"}, "bn2");
  const Workload w = import_onnx(g.save(dir));
  std::vector<OpKind> ops;
  for (const auto& l : w.layers) ops.push_back(l.op);
  EXPECT_EQ(ops, (std::vector<OpKind>{OpKind::kConv2d, OpKind::kRelu, OpKind::kBatchNorm}));
  EXPECT_EQ(layer_named(w, "r_node").inputs, (std::vector<std::string>{"c_node"}));
}

TEST(OnnxImport, WeightsMakeGemmsAndActivationsMakeMatmuls) {
  TempDir dir;
  Graph g({1, 6, 8});
  g.weight("w", {10, 8});  // transB: [out, in]
  g.weight("bias", {10});
  auto& fc = g.node("Gemm", {"x", "w", "bias"}, "fc");
  Graph::attribute(fc, "transB", 1);
  g.node("MatMul", {"x", "x"}, "xx");  // [1,6,8] x [1,6,8]: K = 8 against 6
  Graph h({1, 6, 8});
  h.weight("w", {8, 5});
  h.node("MatMul", {"x", "w"}, "proj");
  auto& t = h.node("Transpose", {"x"}, "xt");
  Graph::attribute(t, "perm", std::vector<int64_t>{0, 2, 1});
  h.node("MatMul", {"x", "xt"}, "scores");
  const Workload w = import_onnx(h.save(dir));
  EXPECT_EQ(layer_named(w, "proj_node").op, OpKind::kGemm);
  EXPECT_EQ(layer_named(w, "proj_node").out_features, 5);
  EXPECT_EQ(layer_named(w, "scores_node").op, OpKind::kMatmul);
  EXPECT_EQ(layer_named(w, "scores_node").output_shape, (Shape{1, 6, 6}));
  EXPECT_THROW(import_onnx(g.save(dir, "g2.onnx")), InputError);  // x * x: K 8 vs 6
}

TEST(OnnxImport, TorchTransformerEncoderFusesGeluAndLayerNorm) {
  // nn.TransformerEncoderLayer(16, 2 heads, 32, gelu), sequence 6 (scripts/export-onnx.py).
  const Workload w = import_onnx(kTinyEncoder);
  std::map<OpKind, int> count;
  for (const auto& l : w.layers) ++count[l.op];
  EXPECT_EQ(count[OpKind::kGelu], 1);       // Div, Erf, Add, Mul, Mul
  EXPECT_EQ(count[OpKind::kLayerNorm], 2);  // ReduceMean ... Mul, Add, twice
  EXPECT_EQ(count[OpKind::kSoftmax], 1);
  EXPECT_EQ(count[OpKind::kMatmul], 2);  // scores and context, per head
  EXPECT_EQ(count[OpKind::kSlice], 3);   // q, k, v out of the fused projection
  // Projections 6x16x48, 6x16x16, 6x16x32, 6x32x16; attention 2 heads x (6x8x6 + 6x6x8).
  EXPECT_EQ(total_macs(w),
            6 * 16 * 48 + 6 * 16 * 16 + 6 * 16 * 32 + 6 * 32 * 16 + 2 * 2 * 6 * 6 * 8);
  // The attention scale 1/sqrt(8) is a multiplication by a one-element weight.
  bool scaled = false;
  for (const auto& l : w.layers) {
    if (l.op == OpKind::kMul && l.input_shapes[1] == Shape{1}) scaled = true;
  }
  EXPECT_TRUE(scaled);
  TempDir dir;
  auto r = run_duet("workload convert " + kTinyEncoder + " --out " + dir.path("e.json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_duet("sim --workload " + dir.path("e.json") + " --nonlinear nnlut");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(OnnxImport, SlicesSplitsConcatsAndSelections) {
  TempDir dir;
  Graph g({1, 6, 8});
  g.ints("starts", {2});
  g.ints("ends", {6});
  g.ints("axes", {2});
  g.node("Slice", {"x", "starts", "ends", "axes"}, "s");
  auto& split = g.node("Split", {"x"}, "a");
  split.add_output("b");
  Graph::attribute(split, "axis", 1);
  g.weight("cls", {1, 1, 8});
  auto& cat = g.node("Concat", {"cls", "a"}, "c");
  Graph::attribute(cat, "axis", 1);
  g.ints("zero", {0});
  g.model().mutable_graph()->mutable_initializer()->rbegin()->clear_dims();  // a scalar index
  auto& pick = g.node("Gather", {"c", "zero"}, "first");
  Graph::attribute(pick, "axis", 1);
  const Workload w = import_onnx(g.save(dir));
  EXPECT_EQ(layer_named(w, "s_node").output_shape, (Shape{1, 6, 4}));
  EXPECT_EQ(layer_named(w, "a").output_shape, (Shape{1, 3, 8}));
  EXPECT_EQ(layer_named(w, "b").output_shape, (Shape{1, 3, 8}));
  EXPECT_EQ(layer_named(w, "cls").op, OpKind::kWeight);
  EXPECT_EQ(layer_named(w, "c_node").output_shape, (Shape{1, 4, 8}));
  EXPECT_EQ(w.layers.back().output_shape, (Shape{1, 8}));  // x[:, 0]
  expect_round_trip_in_json(dir, w);
}

TEST(OnnxImport, SigmoidTimesItsInputIsSiluAndAGateIsASigmoid) {
  TempDir dir;
  Graph g({1, 4, 3, 3});
  g.node("Sigmoid", {"x"}, "s");
  g.node("Mul", {"x", "s"}, "silu");
  g.node("GlobalAveragePool", {"silu"}, "p");
  g.node("Sigmoid", {"p"}, "gate");
  g.node("Mul", {"silu", "gate"}, "y");  // squeeze-excite: [1,4,3,3] x [1,4,1,1]
  const Workload w = import_onnx(g.save(dir));
  EXPECT_EQ(ops_of(w), (std::vector<OpKind>{OpKind::kSilu, OpKind::kGlobalAvgPool, OpKind::kSigmoid,
                                            OpKind::kMul}));
  EXPECT_EQ(w.layers.back().output_shape, (Shape{1, 4, 3, 3}));
}

TEST(OnnxImport, CeilModePoolingCountsThePartialWindow) {
  TempDir dir;
  Graph g({1, 1, 5, 5});
  auto& pool = g.node("MaxPool", {"x"}, "p");
  Graph::attribute(pool, "kernel_shape", std::vector<int64_t>{2, 2});
  Graph::attribute(pool, "strides", std::vector<int64_t>{2, 2});
  Graph::attribute(pool, "ceil_mode", 1);
  EXPECT_EQ(import_onnx(g.save(dir)).layers[0].output_shape, (Shape{1, 1, 3, 3}));
  // A last window that would start in the end padding is dropped, as in PyTorch:
  // MaxPool2d(2, 2, padding=1, ceil_mode=True) on 9x9 gives 5x5, not 6x6.
  Graph h({1, 1, 9, 9});
  auto& p = h.node("MaxPool", {"x"}, "p");
  Graph::attribute(p, "kernel_shape", std::vector<int64_t>{2, 2});
  Graph::attribute(p, "strides", std::vector<int64_t>{2, 2});
  Graph::attribute(p, "pads", std::vector<int64_t>{1, 1, 1, 1});
  Graph::attribute(p, "ceil_mode", 1);
  EXPECT_EQ(import_onnx(h.save(dir, "h.onnx")).layers[0].output_shape, (Shape{1, 1, 5, 5}));
}

// torch's hardswish (HardSigmoid times its input before opset 14) fuses; F.pad's pads, computed
// by shape arithmetic (a reversed Slice, a Transpose, Reshapes), fold into one `pad` view.
TEST(OnnxImport, TorchExportedMixerFusesHardSwishAndFoldsPads) {
  const Workload w = import_onnx(kTinyMixer);
  EXPECT_EQ(ops_of(w),
            (std::vector<OpKind>{OpKind::kConv2d, OpKind::kHardSwish, OpKind::kGlobalAvgPool,
                                 OpKind::kConv2d, OpKind::kSigmoid, OpKind::kMul, OpKind::kTanh,
                                 OpKind::kConcat, OpKind::kSlice, OpKind::kPad, OpKind::kAvgPool}));
  EXPECT_EQ(layer_named(w, "/Pad").pads, (std::vector<int64_t>{0, 0, 1, 1, 0, 0, 1, 1}));
  EXPECT_EQ(w.layers.back().output_shape, (Shape{1, 8, 5, 5}));
  TempDir dir;
  expect_round_trip_in_json(dir, w);
}

// MobileNetV3-style activations, explicit padding and division by an activation.
TEST(OnnxImport, HardActivationsTanhPadAndDivisionImport) {
  TempDir dir;
  Graph g({1, 4, 8, 8});
  g.ints("pads", {0, 0, 1, 2, 0, 0, 1, 0});
  g.weight("w", {4, 4, 3, 3});
  g.scalar("one", 1.0f);
  g.node("Pad", {"x", "pads"}, "p");
  g.node("Conv", {"p", "w"}, "c");
  g.node("HardSwish", {"c"}, "hs");
  g.node("HardSigmoid", {"hs"}, "hg");
  g.node("Tanh", {"hg"}, "t");
  g.node("Div", {"t", "hs"}, "q");   // activation / activation
  g.node("Div", {"one", "q"}, "r");  // constant / activation: a reciprocal
  g.output("r");
  const Workload w = import_onnx(g.save(dir));
  EXPECT_EQ(ops_of(w), (std::vector<OpKind>{OpKind::kPad, OpKind::kConv2d, OpKind::kHardSwish,
                                            OpKind::kHardSigmoid, OpKind::kTanh, OpKind::kDiv,
                                            OpKind::kWeight, OpKind::kDiv}));
  EXPECT_EQ(layer_named(w, "p_node").output_shape, (Shape{1, 4, 10, 10}));
  EXPECT_EQ(layer_named(w, "c_node").output_shape, (Shape{1, 4, 8, 8}));
  EXPECT_EQ(layer_named(w, "r_node").inputs[1], "q_node");
  expect_round_trip_in_json(dir, w);
  // Each costs what its formula computes: tanh an exp and a reciprocal per element, division
  // a reciprocal and a multiply, the hard activations ALU work only.
  const auto row = [&](const std::string& name) {
    const Layer& l = layer_named(w, name);
    return op_descriptor(l.op).row_work(l);
  };
  EXPECT_EQ(row("t_node").ops.exp, 1);
  EXPECT_EQ(row("t_node").ops.reciprocal, 1);
  EXPECT_EQ(row("q_node").ops.reciprocal, 1);
  EXPECT_EQ(row("q_node").ops.mul, 1);
  EXPECT_EQ(row("hs_node").ops.functions(), 0);
  EXPECT_EQ(row("hs_node").ops.alu(), 5);
  EXPECT_EQ(row("hg_node").ops.alu(), 4);
  EXPECT_EQ(run_duet("sim --workload " + g.save(dir)).exit_code, 0);
}

// An op type Duet does not model is an error, or with --unsupported as-memory a `memory` layer
// of the recorded output shape (or its input's), with a warning naming it.
TEST(OnnxImport, UnsupportedOpsFailOrBecomeMemoryPasses) {
  TempDir dir;
  Graph g({1, 4, 8, 8});
  g.node("Round", {"x"}, "r");
  g.node("DepthToSpace", {"r"}, "d");
  g.node("Relu", {"d"}, "y");
  auto* info = g.model().mutable_graph()->add_value_info();
  info->set_name("d");
  auto* shape = info->mutable_type()->mutable_tensor_type()->mutable_shape();
  for (int64_t v : {1, 1, 16, 16}) shape->add_dim()->set_dim_value(v);
  g.output("y");
  const std::string path = g.save(dir);
  EXPECT_THROW(import_onnx(path), InputError);

  std::vector<std::string> warnings;
  OnnxImportOptions o;
  o.unsupported_as_memory = true;
  o.warn = [&](const std::string& m) { warnings.push_back(m); };
  const Workload w = import_onnx(path, o);
  EXPECT_EQ(ops_of(w), (std::vector<OpKind>{OpKind::kMemory, OpKind::kMemory, OpKind::kRelu}));
  EXPECT_EQ(layer_named(w, "r_node").output_shape, (Shape{1, 4, 8, 8}));
  EXPECT_EQ(layer_named(w, "d_node").output_shape, (Shape{1, 1, 16, 16}));
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[1].find("node \"d_node\" (DepthToSpace)"), std::string::npos) << warnings[1];
  expect_round_trip_in_json(dir, w);

  const auto r = run_duet("sim --workload " + path + " --unsupported as-memory");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: "), std::string::npos) << r.output;
  const auto bad = run_duet("sim --workload " + path + " --unsupported skip");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("allowed: error, as-memory"), std::string::npos) << bad.output;
}

// Models a hostile probe built: each is refused with one line and exit 2, never a crash.
TEST(OnnxImport, HostileProbeModelsAreRefusedInOneLine) {
  TempDir dir;
  auto string_attribute = [](onnx::NodeProto& n, const std::string& name, const std::string& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  };
  Graph empty_constant({1, 4});  // a constant with a zero-sized dimension after the sliced axis
  empty_constant.weight("c", {5, 0});
  empty_constant.ints("s", {0});
  empty_constant.ints("e", {2});
  empty_constant.ints("a", {0});
  empty_constant.node("Slice", {"c", "s", "e", "a"}, "y");
  empty_constant.node("Relu", {"x"}, "z");
  Graph bad_mode({1, 3, 8, 8});
  bad_mode.ints("p", {0, 0, 1, 1, 0, 0, 1, 1});
  string_attribute(bad_mode.node("Pad", {"x", "p"}, "y"), "mode", "nonsense");
  Graph far_reflect({1, 3, 8, 8});
  far_reflect.ints("p", {0, 0, 8, 0, 0, 0, 0, 0});
  string_attribute(far_reflect.node("Pad", {"x", "p"}, "y"), "mode", "reflect");
  Graph float_pads({1, 3, 8, 8});
  float_pads.weight("p", {8});
  float_pads.node("Pad", {"x", "p"}, "y");
  Graph undefined_value({1, 3, 8, 8});
  undefined_value.ints("p", {0, 0, 1, 1, 0, 0, 1, 1});
  undefined_value.node("Pad", {"x", "p", "nowhere"}, "y");
  Graph two_input_tanh({1, 4});
  two_input_tanh.node("Tanh", {"x", "x"}, "y");
  Graph memory_then_error({1, 4});
  memory_then_error.node("Foo", {"x"}, "y");
  memory_then_error.node("Relu", {"nowhere"}, "z");
  // #21: no default-domain opset, a Gemm bias that names nothing, an initializer named twice.
  Graph no_opset({1, 4});
  no_opset.model().clear_opset_import();
  no_opset.model().add_opset_import()->set_domain("com.example");
  no_opset.node("Relu", {"x"}, "y");
  Graph dangling_bias({2, 8});
  dangling_bias.weight("w", {8, 4});
  dangling_bias.node("Gemm", {"x", "w", "nowhere"}, "y");
  Graph wrong_bias({2, 8});
  wrong_bias.weight("w", {8, 4});
  wrong_bias.weight("c", {3});
  wrong_bias.node("Gemm", {"x", "w", "c"}, "y");
  Graph twice({2, 8});
  twice.weight("w", {8, 4});
  twice.weight("w", {8, 4});
  twice.node("Gemm", {"x", "w"}, "y");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"workload show " + no_opset.save(dir, "o.onnx"), "no entry for the default domain"},
      {"workload show " + dangling_bias.save(dir, "b.onnx"), "\"nowhere\" is not defined"},
      {"workload show " + wrong_bias.save(dir, "c.onnx"), "does not broadcast to the output"},
      {"workload show " + twice.save(dir, "i.onnx"), "initializer \"w\" is defined twice"},
      {"workload show " + bad_mode.save(dir, "m.onnx"), "mode \"nonsense\" is not one of"},
      {"workload show " + far_reflect.save(dir, "r.onnx"), "reflect pads of axis 2 must be below"},
      {"workload show " + float_pads.save(dir, "f.onnx"), "pads must be a 1-D integer tensor"},
      {"workload show " + undefined_value.save(dir, "u.onnx"), "\"nowhere\" is not defined"},
      {"workload show " + two_input_tanh.save(dir, "t.onnx"), "expects 1 input, got 2"},
      {"workload show " + memory_then_error.save(dir, "w.onnx") + " --unsupported as-memory",
       "\"nowhere\" is not defined"},
      {"workload show " + two_input_tanh.save(dir, "t.onnx") + " --input-shape x=1x4x5",
       "--input-shape gives 3 dimensions, the model declares 2"},
  };
  for (const auto& [args, expected] : cases) {
    const auto r = run_duet(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(expected), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  }
  // Folding the empty constant used to divide by zero (SIGFPE); it folds to an empty constant.
  const auto folded = run_duet("workload show " + empty_constant.save(dir, "e.onnx"));
  EXPECT_EQ(folded.exit_code, 0) << folded.output;
}

TEST(OnnxImport, BadModelsExitWithCodeTwoNamingTheNode) {
  TempDir dir;
  Graph unsupported({1, 4});
  unsupported.node("Foo", {"x"}, "y");
  Graph seq({1, 4}, 0);  // a symbolic batch
  seq.node("Relu", {"x"}, "y");
  Graph tokens({1, 4}, 1);  // a symbolic sequence length
  tokens.node("Relu", {"x"}, "y");
  const std::string garbage = dir.file("garbage.onnx", "not a protobuf at all");
  Graph k_mismatch({1, 8});
  k_mismatch.weight("w", {5, 10});
  k_mismatch.node("MatMul", {"x", "w"}, "y");
  Graph channels({1, 3, 8, 8});
  channels.weight("w", {4, 5, 3, 3});
  channels.node("Conv", {"x", "w"}, "y");
  Graph zero_stride({1, 3, 8, 8});
  zero_stride.weight("w", {4, 3, 3, 3});
  auto& zs = zero_stride.node("Conv", {"x", "w"}, "y");
  Graph::attribute(zs, "strides", std::vector<int64_t>{0, 0});
  auto* pad = zs.add_attribute();
  pad->set_name("auto_pad");
  pad->set_type(onnx::AttributeProto::STRING);
  pad->set_s("SAME_UPPER");
  Graph short_dilation({1, 3, 8, 8});
  short_dilation.weight("w", {4, 3, 3, 3});
  Graph::attribute(short_dilation.node("Conv", {"x", "w"}, "y"), "dilations",
                   std::vector<int64_t>{2});
  Graph twice({1, 4});
  twice.node("Relu", {"x"}, "y");
  twice.node("Relu", {"x"}, "y");
  Graph no_output({1, 4});
  no_output.node("Relu", {"x"}, "y").clear_output();
  Graph fold({1, 4});
  fold.ints("a", {1, 2});
  fold.ints("b", {1, 2, 3});
  fold.node("Add", {"a", "b"}, "c");
  Graph listed_twice({1, 4});
  listed_twice.node("Relu", {"x"}, "y");
  *listed_twice.model().mutable_graph()->add_input() = listed_twice.model().graph().input(0);
  Graph zero_batch({0, 4});
  zero_batch.node("Relu", {"x"}, "y");
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"sim --workload " + unsupported.save(dir, "u.onnx"),
       {"node \"y_node\" (Foo)", "supported: Add, AveragePool"}},
      {"sim --workload " + garbage, {"garbage.onnx", "not an ONNX model"}},
      {"workload show " + k_mismatch.save(dir, "k.onnx"), {"(MatMul)", "does not match"}},
      {"workload show " + channels.save(dir, "ch.onnx"), {"(Conv)", "[4,5,3,3] with group 1"}},
      {"workload show " + zero_stride.save(dir, "zs.onnx"), {"strides must be in [1,"}},
      {"workload show " + short_dilation.save(dir, "dl.onnx"), {"dilations must have 2 entries"}},
      {"workload show " + twice.save(dir, "tw.onnx"), {"\"y\" is already defined"}},
      {"workload show " + no_output.save(dir, "no.onnx"), {"has no output"}},
      {"workload show " + fold.save(dir, "fo.onnx"), {"(Add)", "broadcast"}},
      {"workload show " + zero_batch.save(dir, "zb.onnx"),
       {"input \"x\": shape [0,4] is out of range"}},
      {"workload show " + kTinyCnn + " --input-shape nosuch=1x3x8x8",
       {"not an input (inputs: input)"}},
      {"workload show resnet50 --input-shape x=1x3x8x8", {"applies to .onnx models only"}},
      {"workload convert " + kTinyCnn + " --out " + dir.path("m.txt"), {"must end in .json"}},
      {"workload show", {"missing the workload"}},
      {"workload show " + listed_twice.save(dir, "lt.onnx"), {"input \"x\" is listed twice"}},
      {"workload show resnet50 --batch 3000000000", {"multiply-accumulates exceed 2^62"}},
      {"sim --workload " + dir.path("missing.onnx"), {"missing.onnx"}},
      {"sim --workload " + tokens.save(dir, "t.onnx"),
       {"input \"x\": dimension 1 is symbolic", "--input-shape x="}},
      {"sim --workload " + seq.save(dir, "s.onnx") + " --input-shape x=1x", {"--input-shape"}},
      {"sim --workload " + seq.save(dir, "s.onnx") + " --input-shape x=2x4 --input-shape x=1x4",
       {"given twice"}},
  };
  for (const auto& [args, expected] : cases) {
    const auto r = run_duet(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    for (const auto& text : expected) EXPECT_NE(r.output.find(text), std::string::npos) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  }
  // A symbolic batch is 1 unless given.
  EXPECT_EQ(import_onnx(seq.save(dir, "s.onnx")).inputs[0].shape, (Shape{1, 4}));
  OnnxImportOptions batch3, nine_tokens;
  batch3.input_shapes = {{"x", {3, 4}}};
  nine_tokens.input_shapes = {{"x", {1, 9}}};
  EXPECT_EQ(import_onnx(seq.save(dir, "s.onnx"), batch3).inputs[0].shape, (Shape{3, 4}));
  EXPECT_EQ(import_onnx(tokens.save(dir, "t.onnx"), nine_tokens).layers[0].output_shape,
            (Shape{1, 9}));
}

}  // namespace
}  // namespace duet
