// One descriptor per op (workloads/op_descriptor.hpp), and the workload JSON writer next to
// its reader: every field the reader accepts round-trips, for every zoo network, every
// shipped space's sampled networks, and a workload that sets every attribute away from its
// default.
#include <gtest/gtest.h>

#include <set>

#include "sim/dse/search_space.hpp"
#include "test_util.hpp"
#include "workloads/builder.hpp"
#include "workloads/op_descriptor.hpp"
#include "workloads/workload_io.hpp"

namespace duet {
namespace {

using test::TempDir;

TEST(OpDescriptors, EveryOpHasExactlyOneRowAndANameThatParsesBack) {
  std::set<OpKind> kinds;
  std::set<std::string> names;
  for (const auto& d : op_descriptors()) {
    EXPECT_TRUE(kinds.insert(d.kind).second) << d.name;
    EXPECT_TRUE(names.insert(d.name).second) << d.name;
    EXPECT_EQ(parse_op(d.name, "test"), d.kind);
    EXPECT_EQ(&op_descriptor(d.kind), &d);
    // Each unit's function is present exactly where the unit needs it.
    EXPECT_EQ(d.gemm != nullptr, d.unit == OpUnit::kPeArray) << d.name;
    EXPECT_EQ(d.row_work != nullptr, d.unit == OpUnit::kSfu || d.unit == OpUnit::kDma) << d.name;
    EXPECT_TRUE(d.read_fields && d.write_fields && d.infer) << d.name;
  }
  EXPECT_EQ(kinds.size(), static_cast<std::size_t>(OpKind::kMemory) + 1);
}

void expect_same_layers(const Workload& a, const Workload& b) {
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (std::size_t i = 0; i < a.layers.size(); ++i) {
    const Layer &x = a.layers[i], &y = b.layers[i];
    SCOPED_TRACE(x.name);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.op, y.op);
    EXPECT_EQ(x.inputs, y.inputs);
    EXPECT_EQ(x.out_channels, y.out_channels);
    EXPECT_EQ(x.kernel, y.kernel);
    EXPECT_EQ(x.stride, y.stride);
    EXPECT_EQ(x.padding, y.padding);
    EXPECT_EQ(x.dilation, y.dilation);
    EXPECT_EQ(x.groups, y.groups);
    EXPECT_EQ(x.out_features, y.out_features);
    EXPECT_EQ(x.transpose_b, y.transpose_b);
    EXPECT_EQ(x.axis, y.axis);
    EXPECT_EQ(x.vocab, y.vocab);
    EXPECT_EQ(x.dim, y.dim);
    EXPECT_EQ(x.target_shape, y.target_shape);
    EXPECT_EQ(x.perm, y.perm);
    EXPECT_EQ(x.pads, y.pads);
    EXPECT_EQ(x.impl, y.impl);
    EXPECT_EQ(x.input_shapes, y.input_shapes);
    EXPECT_EQ(x.output_shape, y.output_shape);
  }
}

// IR -> JSON -> IR gives the same layers, and JSON -> IR -> JSON the same JSON.
void expect_round_trip(const TempDir& dir, const Workload& w) {
  SCOPED_TRACE(w.name);
  const Json first = workload_to_json(w);
  const Workload read = load_workload_json(dir.file("w.json", first.dump()));
  expect_same_layers(w, read);
  EXPECT_EQ(workload_to_json(read), first);
}

TEST(WorkloadJson, EveryZooNetworkRoundTrips) {
  TempDir dir;
  for (const auto& name : zoo_names()) {
    expect_round_trip(dir, zoo_workload(name));
    expect_round_trip(dir, zoo_workload(name, {2, 64}));
  }
}

TEST(WorkloadJson, SampledNetworksOfEveryShippedSpaceRoundTrip) {
  TempDir dir;
  for (const char* space : {"cnn-fmnist", "cnn-imagenet", "vit-fmnist"}) {
    const SearchSpace s = load_search_space(test::source_path("configs/spaces/") + space + ".json");
    for (int64_t i = 0; i < 5; ++i)
      expect_round_trip(dir, sample_workload(s, draw_sample(s, 1, i)));
  }
}

TEST(WorkloadJson, EveryAttributeAwayFromItsDefaultRoundTrips) {
  TempDir dir;
  WorkloadBuilder b("all-fields");
  std::string x = b.input("x", {2, 4, 9, 9});
  Layer conv;
  conv.name = "conv";
  conv.op = OpKind::kConv2d;
  conv.inputs = {x};
  conv.out_channels = 8;
  conv.kernel = {3, 2};
  conv.stride = {2, 1};
  conv.padding = {1, 0, 2, 1};
  conv.dilation = {2, 1};
  conv.groups = 2;
  x = b.append(conv);
  x = b.maxpool("pool", x, 2, 1, 1);
  x = b.reshape("flat", x, {2, 8, -1});
  x = b.transpose("t", x, {0, 2, 1});
  const std::string g = b.gemm("fc", x, 8);
  x = b.matmul("mm", g, g, true);
  x = b.softmax("sm", x, 1);
  x = b.gelu("act", b.layernorm("ln", x));
  b.embedding("emb", b.input("ids", {2, 3}), 100, 4);
  Layer pad;
  pad.name = "pad";
  pad.op = OpKind::kPad;
  pad.inputs = {x};
  pad.pads = {0, 1, 0, 0, 2, 3};
  x = b.append(pad);
  Layer memory;
  memory.name = "opaque";
  memory.op = OpKind::kMemory;
  memory.inputs = {x, g};
  memory.target_shape = {4, 5};
  b.append(memory);
  Workload w = b.finish();
  for (auto& l : w.layers) {
    if (l.op == OpKind::kGelu) l.impl = NonlinearImpl::kIbert;
    if (l.op == OpKind::kLayerNorm) l.impl = NonlinearImpl::kNnlut;
  }
  const Json j = workload_to_json(w);
  const Json& conv_json = j["layers"][0];
  EXPECT_EQ(conv_json["dilation"], Json::array({2, 1}));
  EXPECT_EQ(conv_json["groups"], 2);
  EXPECT_EQ(j["layers"][5]["transpose_b"], true);
  EXPECT_EQ(j["layers"][6]["axis"], 1);
  EXPECT_EQ(j["layers"][8]["impl"], "ibert");
  EXPECT_EQ(w.layers[10].output_shape, (Shape{2, 53, 53}));  // pad: before, then after each axis
  EXPECT_EQ(j["layers"][10]["pads"], Json::array({0, 1, 0, 0, 2, 3}));
  EXPECT_EQ(j["layers"][11]["shape"], Json::array({4, 5}));
  expect_round_trip(dir, w);
}

}  // namespace
}  // namespace duet
