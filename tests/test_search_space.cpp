#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/dse/search_space.hpp"
#include "sim/hardware_dimensions.hpp"
#include "test_util.hpp"
#include "workloads/input_error.hpp"
#include "workloads/workload.hpp"

namespace duet {
namespace {

const std::vector<std::string> kShipped = {"cnn-fmnist", "cnn-imagenet", "vit-fmnist"};

SearchSpace shipped_space(const std::string& name) {
  return load_search_space(test::source_path("configs/spaces/" + name + ".json"));
}

Sample choose(const SearchSpace& space, std::vector<int> blocks) {
  Sample s;
  s.index = 7;
  s.hardware.assign(space.hardware.size(), 0);
  s.blocks = std::move(blocks);
  return s;
}

bool has_layer_with_prefix(const Workload& w, const std::string& prefix) {
  for (const auto& l : w.layers) {
    if (l.name.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

// The message of the InputError that loading `json` (written as `file`) throws, or "".
std::string load_error(const std::string& file, const std::string& json) {
  test::TempDir dir;
  try {
    load_search_space(dir.file(file, json));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// A minimal valid space; tests splice in one fault at a time.
std::string tiny_mbconv(const std::string& hardware = R"("pe_rows": [8, 16])",
                        const std::string& extra = "") {
  return R"({"name": "tiny", "base_config": "mobile", "hardware": {)" + hardware +
         R"(}, "network": {"family": "mbconv", "input": [1, 8, 8], "stem": {"channels": 4,
         "kernel": 3, "stride": 1}, "stages": [{"channels": 8, "blocks": 2, "stride": 2}],
         "head_channels": 16, "classes": 10)" +
         extra + "}}";
}

std::string tiny_vit(int width, const std::string& heads) {
  return R"({"name": "tiny-vit", "base_config": "mobile", "network": {"family": "vit",
         "input": [1, 8, 8], "patch": 4, "width": )" +
         std::to_string(width) + R"(, "layers": 2, "heads": )" + heads +
         R"(, "mlp_ratios": [2, 4], "classes": 10}})";
}

TEST(SearchSpace, ShippedSpacesLoad) {
  for (const auto& name : kShipped) {
    SCOPED_TRACE(name);
    const SearchSpace space = shipped_space(name);
    EXPECT_EQ(space.name, name);
    EXPECT_EQ(space.base_config, "mobile");
    // All ten dimensions, in canonical order.
    std::vector<std::string> names;
    for (const auto& d : space.hardware) names.push_back(d.name);
    EXPECT_EQ(names, hardware_dimension_names());
    EXPECT_FALSE(space.network.blocks.empty());
  }
  EXPECT_EQ(shipped_space("cnn-fmnist").network.blocks.size(), 6u);
  EXPECT_EQ(shipped_space("cnn-imagenet").network.blocks.size(), 16u);
  const SearchSpace vit = shipped_space("vit-fmnist");
  ASSERT_EQ(vit.network.blocks.size(), 4u);
  EXPECT_EQ(
      vit.network.blocks[0].options,
      (std::vector<std::string>{"h2_m2", "h2_m4", "h4_m2", "h4_m4", "h8_m2", "h8_m4", "skip"}));
}

TEST(SearchSpace, DrawIsDeterministicPerSeedAndIndex) {
  const SearchSpace space = shipped_space("cnn-fmnist");
  // Drawing in reverse order, as another worker might, gives the same samples.
  std::vector<Sample> forward, backward(100);
  for (int64_t i = 0; i < 100; ++i) forward.push_back(draw_sample(space, 42, i));
  for (int64_t i = 99; i >= 0; --i) backward[i] = draw_sample(space, 42, i);
  int distinct_from_next = 0, distinct_from_other_seed = 0;
  for (int64_t i = 0; i < 100; ++i) {
    EXPECT_EQ(forward[i].index, i);
    EXPECT_EQ(forward[i].hardware, backward[i].hardware);
    EXPECT_EQ(forward[i].blocks, backward[i].blocks);
    const Sample other_seed = draw_sample(space, 43, i);
    if (other_seed.hardware != forward[i].hardware) ++distinct_from_other_seed;
    if (i + 1 < 100 && forward[i].hardware != forward[i + 1].hardware) ++distinct_from_next;
  }
  // 4^8 * 3^2 hardware combinations: collisions between neighbours are vanishingly rare.
  EXPECT_GE(distinct_from_next, 97);
  EXPECT_GE(distinct_from_other_seed, 98);
}

TEST(SearchSpace, DrawCoversEveryOptionRoughlyUniformly) {
  constexpr int kSamples = 2000;
  for (const auto& name : kShipped) {
    SCOPED_TRACE(name);
    const SearchSpace space = shipped_space(name);
    std::vector<std::map<int, int>> hw(space.hardware.size()), blocks(space.network.blocks.size());
    for (int64_t i = 0; i < kSamples; ++i) {
      const Sample s = draw_sample(space, 1, i);
      for (std::size_t d = 0; d < s.hardware.size(); ++d) ++hw[d][s.hardware[d]];
      for (std::size_t b = 0; b < s.blocks.size(); ++b) ++blocks[b][s.blocks[b]];
    }
    // Half the expected count is > 7 sigma below it for n <= 7 options: only a broken draw fails.
    for (std::size_t d = 0; d < hw.size(); ++d) {
      const std::size_t n = space.hardware[d].values.size();
      for (std::size_t v = 0; v < n; ++v) {
        EXPECT_GE(hw[d][static_cast<int>(v)], kSamples / static_cast<int>(n) / 2)
            << space.hardware[d].name << " value " << space.hardware[d].values[v].dump();
      }
    }
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      const std::size_t n = space.network.blocks[b].options.size();
      for (std::size_t v = 0; v < n; ++v) {
        EXPECT_GE(blocks[b][static_cast<int>(v)], kSamples / static_cast<int>(n) / 2)
            << space.network.blocks[b].name << " option " << space.network.blocks[b].options[v];
      }
    }
  }
}

TEST(SearchSpace, RandomSamplesInferShapes) {
  for (const auto& name : kShipped) {
    SCOPED_TRACE(name);
    const SearchSpace space = shipped_space(name);
    for (int64_t i = 0; i < 200; ++i) {
      const Sample s = draw_sample(space, 2024, i);
      Workload w;
      ASSERT_NO_THROW(w = sample_workload(space, s)) << "sample " << i;
      EXPECT_EQ(w.name, name + "#" + std::to_string(i));
      EXPECT_GT(total_macs(w), 0) << "sample " << i;
      ASSERT_FALSE(w.layers.empty());
      EXPECT_EQ(w.layers.back().output_shape,
                (Shape{1, name == "cnn-imagenet" ? int64_t{1000} : int64_t{10}}));
    }
  }
}

TEST(SearchSpace, MbconvSkipOnlyWhereShapesAllow) {
  for (const std::string name : {"cnn-fmnist", "cnn-imagenet"}) {
    SCOPED_TRACE(name);
    const SearchSpace space = shipped_space(name);
    const Json& def = space.network.definition;
    int64_t channels = def["stem"]["channels"].get<int64_t>();
    std::size_t block = 0;
    for (const Json& stage : def["stages"]) {
      const int64_t out = stage["channels"].get<int64_t>();
      for (int64_t i = 0; i < stage["blocks"].get<int64_t>(); ++i, ++block) {
        const int64_t stride = i == 0 ? stage["stride"].get<int64_t>() : 1;
        const bool allowed = stride == 1 && channels == out;
        const auto& options = space.network.blocks.at(block).options;
        const bool offered = std::find(options.begin(), options.end(), "skip") != options.end();
        // The fixed k3_e1 block of cnn-imagenet offers one option only.
        if (options.size() > 1) {
          EXPECT_EQ(offered, allowed) << space.network.blocks[block].name;
        }
        if (!allowed) {
          EXPECT_FALSE(offered) << space.network.blocks[block].name;
        }
        channels = out;
      }
    }
    EXPECT_EQ(block, space.network.blocks.size());
    // A drawn skip leaves no layers behind for that block.
    for (int64_t i = 0; i < 50; ++i) {
      const Sample s = draw_sample(space, 5, i);
      const Workload w = sample_workload(space, s);
      for (std::size_t b = 0; b < s.blocks.size(); ++b) {
        const BlockSpace& bs = space.network.blocks[b];
        EXPECT_EQ(has_layer_with_prefix(w, bs.name + "."), bs.options[s.blocks[b]] != "skip");
      }
    }
  }
}

TEST(SearchSpace, HandBuiltMbconvSampleHasHandComputedMacs) {
  test::TempDir dir;
  const SearchSpace space = load_search_space(dir.file("tiny.json", tiny_mbconv()));
  ASSERT_EQ(space.network.blocks.size(), 2u);
  // Block 1 changes stride and channels, so it cannot be skipped; block 2 can.
  EXPECT_EQ(space.network.blocks[0].options,
            (std::vector<std::string>{"k3_e3", "k3_e6", "k5_e3", "k5_e6", "k7_e3", "k7_e6"}));
  EXPECT_EQ(space.network.blocks[1].options.back(), "skip");

  // Block 1 = k5_e3, block 2 = k3_e6. Conv MACs = Hout * Wout * Cout * (Cin / groups) * k^2.
  const int64_t stem = 8 * 8 * 4 * 1 * 9;     // 3x3, 1 -> 4 channels at 8x8: 2304
  const int64_t b1_expand = 8 * 8 * 12 * 4;   // 1x1, 4 -> 12 at 8x8: 3072
  const int64_t b1_dw = 4 * 4 * 12 * 1 * 25;  // 5x5 depthwise, stride 2 -> 4x4: 4800
  const int64_t b1_project = 4 * 4 * 8 * 12;  // 1x1, 12 -> 8: 1536
  const int64_t b2_expand = 4 * 4 * 48 * 8;   // 1x1, 8 -> 48: 6144
  const int64_t b2_dw = 4 * 4 * 48 * 1 * 9;   // 3x3 depthwise: 6912
  const int64_t b2_project = 4 * 4 * 8 * 48;  // 1x1, 48 -> 8: 6144
  const int64_t head = 4 * 4 * 16 * 8;        // 1x1, 8 -> 16: 2048
  const int64_t fc = 16 * 10;                 // 160
  const int64_t block2 = b2_expand + b2_dw + b2_project;
  const int64_t expected = stem + b1_expand + b1_dw + b1_project + block2 + head + fc;
  ASSERT_EQ(expected, 33120);
  EXPECT_EQ(total_macs(sample_workload(space, choose(space, {2, 1}))), expected);
  EXPECT_EQ(total_macs(sample_workload(space, choose(space, {2, 6}))), expected - block2);
}

TEST(SearchSpace, HandBuiltVitSampleHasHandComputedMacs) {
  test::TempDir dir;
  const SearchSpace space = load_search_space(dir.file("tiny-vit.json", tiny_vit(8, "[2]")));
  ASSERT_EQ(space.network.blocks.size(), 2u);
  EXPECT_EQ(space.network.blocks[0].options, (std::vector<std::string>{"h2_m2", "h2_m4", "skip"}));
  // Layer 1 = h2_m4, layer 2 = skip. 8x8 image, 4x4 patches: L = 4 tokens of width H = 8.
  const int64_t patch_embed = 2 * 2 * 8 * 1 * 16;  // 4x4 conv, 1 -> 8 channels at 2x2: 512
  const int64_t qkvo = 4 * (4 * 8 * 8);            // four L x H x H gemms: 1024
  const int64_t attention = 2 * (2 * 4 * 4 * 4);   // scores and context, 2 heads, d = 4: 256
  const int64_t ffn = 4 * 8 * 32 + 4 * 32 * 8;     // H -> 4H -> H: 2048
  const int64_t head = 8 * 10;                     // 80
  const int64_t expected = patch_embed + qkvo + attention + ffn + head;
  ASSERT_EQ(expected, 3920);
  const Workload w = sample_workload(space, choose(space, {1, 2}));
  EXPECT_EQ(total_macs(w), expected);
  EXPECT_FALSE(has_layer_with_prefix(w, "layer2."));
}

TEST(SearchSpace, BadSpacesNameFileAndKey) {
  struct Case {
    std::string json, key, what;
  };
  const std::vector<Case> cases = {
      {tiny_mbconv(R"("pe_rows": [])"), "hardware.pe_rows", "empty"},
      {tiny_mbconv(R"("pe_row": [8])"), "hardware.pe_row", "did you mean \"pe_rows\""},
      {tiny_mbconv(R"("dataflow": ["ws", "wos"])"), "hardware.dataflow[1]",
       "invalid value \"wos\""},
      {tiny_mbconv(R"("pe_cols": [8, 0])"), "hardware.pe_cols[1]", "out of range"},
      {tiny_mbconv(R"("banks": [8, 8])"), "hardware.banks[1]", "duplicate"},
      {tiny_mbconv(R"("sfu_kind": ["lut"])"), "hardware.sfu_kind[0]", "allowed: exact"},
      {tiny_mbconv(R"("pe_rows": [8])", R"(, "head_channel": 4)"), "network.head_channel",
       "did you mean \"head_channels\""},
      {tiny_mbconv(R"("pe_rows": [8])", R"(, "kernels": [3, 4])"), "network.kernels[1]", "odd"},
      {tiny_vit(60, "[2, 4, 8]"), "network.heads[2]", "not divisible"},
      {tiny_vit(64, "[]"), "network.heads", "empty"},
  };
  for (const auto& c : cases) {
    const std::string message = load_error("bad-space.json", c.json);
    SCOPED_TRACE(c.json);
    EXPECT_NE(message.find("bad-space.json"), std::string::npos) << message;
    EXPECT_NE(message.find(c.key), std::string::npos) << message;
    EXPECT_NE(message.find(c.what), std::string::npos) << message;
  }
}

TEST(SearchSpace, ExplicitBlockListsAreValidated) {
  const std::string stage_with = R"({"name": "t", "base_config": "mobile", "network": {
      "family": "mbconv", "input": [1, 8, 8], "stem": {"channels": 4, "kernel": 3, "stride": 1},
      "classes": 10, "stages": [{"channels": 8, "stride": 2, "blocks": )";
  // A stride-2 first block cannot be skipped: the error names the block and option.
  std::string message = load_error("explicit.json", stage_with + R"([["k3_e3", "skip"]]}]}})");
  EXPECT_NE(message.find("explicit.json: network.stages[0].blocks[0][1]"), std::string::npos)
      << message;
  message = load_error("explicit.json", stage_with + R"([["k4_e3"]]}]}})");
  EXPECT_NE(message.find("blocks[0][0]"), std::string::npos) << message;
  EXPECT_NE(message.find("odd"), std::string::npos) << message;

  test::TempDir dir;
  const SearchSpace fixed =
      load_search_space(dir.file("ok.json", stage_with + R"([["k3_e1"], ["k7_e6", "skip"]]}]}})"));
  ASSERT_EQ(fixed.network.blocks.size(), 2u);
  EXPECT_EQ(fixed.network.blocks[0].options, std::vector<std::string>{"k3_e1"});
  // Expansion 1 has no expand conv, as in MobileNetV2's first block.
  const Workload w = sample_workload(fixed, choose(fixed, {0, 0}));
  EXPECT_FALSE(has_layer_with_prefix(w, "stage1.block1.expand"));
  EXPECT_TRUE(has_layer_with_prefix(w, "stage1.block2.expand"));
}

TEST(SearchSpace, SampleMustMatchSpace) {
  const SearchSpace space = shipped_space("vit-fmnist");
  Sample s = draw_sample(space, 0, 0);
  s.blocks.pop_back();
  EXPECT_THROW(sample_workload(space, s), InputError);
  s = draw_sample(space, 0, 0);
  s.blocks[0] = 99;
  EXPECT_THROW(sample_workload(space, s), InputError);
}

}  // namespace
}  // namespace duet

namespace duet {
namespace {

// The one hardware-dimension table: writing a value into a config and reading it back agree,
// and the config loader enforces the same ranges.
TEST(HardwareDimensionTable, SetAndGetAgreeAndTheLoaderUsesItsRanges) {
  AcceleratorConfig c = test::shipped("mobile");
  for (const auto& spec : hardware_dimension_table()) {
    const Json value = spec.kind == HardwareDimensionSpec::kChoice ? Json(spec.allowed.back())
                       : spec.kind == HardwareDimensionSpec::kInteger
                           ? Json(static_cast<int64_t>(spec.max))
                           : Json(spec.max);
    spec.set(c, value);
    EXPECT_EQ(spec.get(c), value) << spec.name;
  }
  const Json written = accelerator_config_to_json(c);
  test::TempDir dir;
  std::string path = dir.file("max.json", written.dump());
  const AcceleratorConfig back = load_accelerator_config(path);
  for (const auto& spec : hardware_dimension_table()) EXPECT_EQ(spec.get(back), spec.get(c));
  Json beyond = written;
  beyond["pe_array"]["rows"] = static_cast<int64_t>(hardware_dimension_spec("pe_rows").max) + 1;
  path = dir.file("beyond.json", beyond.dump());
  EXPECT_THROW(load_accelerator_config(path), InputError);
  EXPECT_THROW(hardware_dimension_spec("clock"), InputError);
}

}  // namespace
}  // namespace duet
