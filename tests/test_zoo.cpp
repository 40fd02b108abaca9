#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "workloads/input_error.hpp"
#include "workloads/workload.hpp"
#include "workloads/zoo.hpp"

namespace duet {
namespace {

// 12 * L * H^2 (q, k, v, o, two FFN gemms) + 2 * L^2 * H (scores, context) per layer.
int64_t encoder_macs(int64_t layers, int64_t seq, int64_t hidden) {
  return layers * (4 * seq * hidden * hidden + 2 * seq * seq * hidden + 8 * seq * hidden * hidden);
}

const Layer& find_layer(const Workload& w, const std::string& name) {
  for (const auto& l : w.layers) {
    if (l.name == name) return l;
  }
  throw std::runtime_error("no layer " + name + " in " + w.name);
}

struct Published {
  std::string name;
  int64_t seq_len;
  double macs;
};

// Readable parameter names in ctest's listing instead of a byte dump.
void PrintTo(const Published& p, std::ostream* os) {
  *os << p.name << " seq " << p.seq_len << ": " << p.macs << " MACs";
}

// gtest ids allow only [A-Za-z0-9_].
std::string published_id(const ::testing::TestParamInfo<Published>& info) {
  std::string id = info.param.name + "_seq" + std::to_string(info.param.seq_len);
  for (char& c : id) {
    if (c == '-') c = '_';
  }
  return id;
}

class ZooMacs : public ::testing::TestWithParam<Published> {};

TEST_P(ZooMacs, MatchesPublishedWithinOnePercent) {
  const Published& p = GetParam();
  ZooOptions options;
  options.seq_len = p.seq_len;
  const double macs = static_cast<double>(total_macs(zoo_workload(p.name, options)));
  EXPECT_NEAR(macs / p.macs, 1.0, 0.01) << p.name << " has " << macs << " MACs";
}

// Figures from shared/REFERENCE.md, "MAC counts".
INSTANTIATE_TEST_SUITE_P(
    Reference, ZooMacs,
    ::testing::Values(Published{"resnet18", 128, 1.82e9}, Published{"resnet50", 128, 4.09e9},
                      Published{"vgg16", 128, 15.5e9}, Published{"mobilenet_v2", 128, 0.300e9},
                      Published{"vit-b16", 128, 17.6e9}, Published{"bert-base", 128, 11.17e9},
                      Published{"bert-base", 512, 48.3e9}),
    published_id);

TEST(Zoo, BertMatchesEncoderFormulaExactly) {
  for (int64_t seq : {1, 128, 384, 512}) {
    ZooOptions options;
    options.seq_len = seq;
    EXPECT_EQ(total_macs(zoo_workload("bert-base", options)), encoder_macs(12, seq, 768)) << seq;
    EXPECT_EQ(total_macs(zoo_workload("bert-large", options)), encoder_macs(24, seq, 1024)) << seq;
  }
}

TEST(Zoo, BatchTwoDoublesMacs) {
  for (const auto& name : zoo_names()) {
    ZooOptions two;
    two.batch = 2;
    EXPECT_EQ(total_macs(zoo_workload(name, two)), 2 * total_macs(zoo_workload(name))) << name;
  }
}

// Eyeriss (Chen et al., JSSC 2017) counts 666 M MACs in AlexNet's five conv layers.
TEST(Zoo, AlexNetConvLayersHaveEyerissMacCount) {
  const Workload w = zoo_workload("alexnet");
  int64_t conv = 0;
  for (const auto& l : w.layers) {
    if (l.op == OpKind::kConv2d) conv += layer_macs(l);
  }
  EXPECT_NEAR(static_cast<double>(conv), 666e6, 0.01 * 666e6);
  EXPECT_EQ(w.layers.back().output_shape, (Shape{1, 1000}));
}

TEST(Zoo, NamesAreExactlyTheShippedNetworks) {
  const std::vector<std::string> expected = {"resnet18", "resnet50",  "mobilenet_v2", "vgg16",
                                             "alexnet",  "bert-base", "bert-large",   "vit-b16"};
  EXPECT_EQ(zoo_names(), expected);
  for (const auto& name : expected) EXPECT_TRUE(is_zoo_name(name)) << name;
  EXPECT_FALSE(is_zoo_name("resnet"));
  EXPECT_FALSE(is_zoo_name(""));
}

TEST(Zoo, UnknownNameListsValidNames) {
  try {
    zoo_workload("foo");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("unknown workload \"foo\""), std::string::npos) << message;
    for (const auto& name : zoo_names()) EXPECT_NE(message.find(name), std::string::npos) << name;
  }
}

TEST(Zoo, RejectsNonPositiveOptions) {
  ZooOptions bad_batch;
  bad_batch.batch = 0;
  ZooOptions bad_seq;
  bad_seq.seq_len = -1;
  try {
    zoo_workload("resnet18", bad_batch);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--batch"), std::string::npos) << e.what();
  }
  try {
    zoo_workload("bert-base", bad_seq);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--seq-len"), std::string::npos) << e.what();
  }
}

TEST(Zoo, ClassifiersEndInThousandLogits) {
  for (const std::string name : {"resnet18", "resnet50", "mobilenet_v2", "vgg16", "vit-b16"}) {
    const Workload w = zoo_workload(name);
    ASSERT_EQ(w.inputs.size(), 1u) << name;
    EXPECT_EQ(w.inputs[0].shape, (Shape{1, 3, 224, 224})) << name;
    const Layer& last = w.layers.back();
    EXPECT_EQ(last.op, OpKind::kGemm) << name;
    EXPECT_EQ(last.output_shape, (Shape{1, 1000})) << name;
  }
}

TEST(Zoo, BertEndsInNormalisedHiddenStates) {
  ZooOptions options;
  options.batch = 3;
  options.seq_len = 64;
  const Workload base = zoo_workload("bert-base", options);
  EXPECT_EQ(base.inputs[0].shape, (Shape{3, 64}));
  EXPECT_EQ(base.layers.front().op, OpKind::kEmbedding);
  EXPECT_EQ(base.layers.back().op, OpKind::kLayerNorm);  // post-LN
  EXPECT_EQ(base.layers.back().output_shape, (Shape{3, 64, 768}));
  EXPECT_EQ(zoo_workload("bert-large", options).layers.back().output_shape, (Shape{3, 64, 1024}));
}

TEST(Zoo, AttentionShapes) {
  const Workload bert = zoo_workload("bert-base");
  EXPECT_EQ(find_layer(bert, "encoder.0.scores").output_shape, (Shape{1, 12, 128, 128}));
  EXPECT_EQ(find_layer(bert, "encoder.11.ctx").output_shape, (Shape{1, 12, 128, 64}));
  EXPECT_EQ(find_layer(bert, "encoder.0.ffn1").output_shape, (Shape{1, 128, 3072}));
  const Workload vit = zoo_workload("vit-b16");
  EXPECT_EQ(find_layer(vit, "tokens").output_shape, (Shape{1, 196, 768}));
  EXPECT_EQ(find_layer(vit, "encoder.0.scores").output_shape, (Shape{1, 12, 196, 196}));
  // Pre-LN: the first thing an encoder layer does is normalise its input.
  EXPECT_EQ(find_layer(vit, "encoder.0.ln1").inputs, (std::vector<std::string>{"tokens"}));
}

TEST(Zoo, CnnStructure) {
  const Workload r50 = zoo_workload("resnet50");
  // v1.5: the stride-2 sits on the 3x3 conv of the first block in a stage.
  EXPECT_EQ(find_layer(r50, "layer2.0.conv1").stride[0], 1);
  EXPECT_EQ(find_layer(r50, "layer2.0.conv2").stride[0], 2);
  EXPECT_EQ(find_layer(r50, "layer4.2.relu").output_shape, (Shape{1, 2048, 7, 7}));
  const Workload mnv2 = zoo_workload("mobilenet_v2");
  const Layer& dw = find_layer(mnv2, "block2.dw");
  EXPECT_EQ(dw.groups, dw.out_channels);  // depthwise
  EXPECT_EQ(find_layer(mnv2, "head.relu").output_shape, (Shape{1, 1280, 7, 7}));
  EXPECT_EQ(find_layer(zoo_workload("vgg16"), "pool5").output_shape, (Shape{1, 512, 7, 7}));
}

}  // namespace
}  // namespace duet
