#include "models/recast/spec.hpp"

#include <algorithm>

#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet::recast {
namespace {

constexpr const char* kKindNames[] = {"plain", "basic", "bottleneck", "dense", "mbconv"};

// Three stages at 28, 14 and 7 pixels: the first block of stages 2 and 3 halves the image.
NetworkSpec staged(const std::string& name, BlockKind kind, int64_t stem,
                   const std::vector<int64_t>& widths, int64_t per_stage) {
  NetworkSpec spec;
  spec.name = name;
  spec.stem_channels = stem;
  int64_t channels = stem;
  for (std::size_t s = 0; s < widths.size(); ++s) {
    for (int64_t i = 0; i < per_stage; ++i) {
      const int64_t stride = (s > 0 && i == 0) ? 2 : 1;
      spec.blocks.push_back({kind, channels, widths[s], stride});
      channels = widths[s];
    }
  }
  return spec;
}

}  // namespace

const char* block_kind_name(BlockKind kind) { return kKindNames[static_cast<int>(kind)]; }

std::vector<std::string> block_kind_names() {
  return {std::begin(kKindNames), std::end(kKindNames)};
}

BlockKind parse_block_kind(const std::string& name, const std::string& where) {
  const auto names = block_kind_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    const std::string typo = nearest(name, names);
    throw InputError(where + ": unknown block type \"" + name + "\"" +
                     (typo.empty() ? "" : " (did you mean \"" + typo + "\"?)") +
                     " (allowed: " + join_list(names) + ")");
  }
  return static_cast<BlockKind>(it - names.begin());
}

int64_t bottleneck_mid_channels(const BlockSpec& b) {
  return std::max<int64_t>(1, b.out_channels / 4);
}

// The dense layers together add as many channels as the block outputs, which the transition
// then compresses back (DenseNet-BC's 0.5 compression when in == out).
int64_t dense_growth(const BlockSpec& b) {
  return std::max<int64_t>(1, b.out_channels / kDenseLayers);
}

int64_t mbconv_hidden_channels(const BlockSpec& b) { return 4 * b.in_channels; }

std::vector<std::string> teacher_names() {
  return {"resnet20", "resnet32", "resnet56", "densenet", "vgg"};
}

NetworkSpec teacher_spec(const std::string& name) {
  // ResNet-6n+2 for small images (He et al. 2016, section 4.2): n basic blocks per stage.
  if (name == "resnet20") return staged(name, BlockKind::kBasic, 16, {16, 32, 64}, 3);
  if (name == "resnet32") return staged(name, BlockKind::kBasic, 16, {16, 32, 64}, 5);
  if (name == "resnet56") return staged(name, BlockKind::kBasic, 16, {16, 32, 64}, 9);
  if (name == "densenet") return staged(name, BlockKind::kDense, 16, {32, 64, 128}, 1);
  if (name == "vgg") return staged(name, BlockKind::kPlain, 32, {32, 64, 128}, 2);
  throw InputError("--arch: unknown teacher \"" + name +
                   "\" (allowed: " + join_list(teacher_names()) + ")");
}

Json spec_to_json(const NetworkSpec& spec) {
  Json blocks = Json::array();
  for (const auto& b : spec.blocks) {
    blocks.push_back({{"type", block_kind_name(b.kind)},
                      {"in_channels", b.in_channels},
                      {"out_channels", b.out_channels},
                      {"stride", b.stride}});
  }
  return {{"name", spec.name},
          {"in_channels", spec.in_channels},
          {"stem_channels", spec.stem_channels},
          {"classes", spec.classes},
          {"blocks", blocks}};
}

NetworkSpec spec_from_json(const Json& j, const std::string& where) {
  ObjectReader r(j, where);
  NetworkSpec spec;
  spec.name = r.string("name");
  spec.in_channels = r.integer("in_channels", 1, 64);
  spec.stem_channels = r.integer("stem_channels", 1, 4096);
  spec.classes = r.integer("classes", 2, 100000);
  const Json& blocks = r.raw("blocks");
  if (!blocks.is_array() || blocks.empty()) r.fail("blocks", "expected a non-empty list");
  int64_t channels = spec.stem_channels;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    ObjectReader b(blocks[i], where + ".blocks[" + std::to_string(i) + "]");
    BlockSpec block;
    block.kind = parse_block_kind(b.string("type"), b.where() + ".type");
    block.in_channels = b.integer("in_channels", channels, channels);
    block.out_channels = b.integer("out_channels", 1, 4096);
    block.stride = b.integer("stride", 1, 2);
    b.reject_unknown_keys();
    channels = block.out_channels;
    spec.blocks.push_back(block);
  }
  r.reject_unknown_keys();
  return spec;
}

std::string block_output_layer(const Workload& workload, std::size_t block) {
  const std::string prefix = "block" + std::to_string(block) + ".";
  std::string last;
  for (const auto& l : workload.layers) {
    if (l.name.compare(0, prefix.size(), prefix) == 0) last = l.name;
  }
  return last;
}

}  // namespace duet::recast
