#pragma once
// Networks built from recasting blocks, described in plain C++ so the CLI, the plan reader and
// the workload emitter need no libtorch. A network is a stem (conv-BN-ReLU), a list of blocks
// and a head (global average pool, then a fully connected layer).
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/json_reader.hpp"
#include "workloads/workload.hpp"

namespace duet::recast {

enum class BlockKind { kPlain, kBasic, kBottleneck, kDense, kMbconv };

const char* block_kind_name(BlockKind kind);
std::vector<std::string> block_kind_names();
// Throws InputError naming `where` and the allowed names.
BlockKind parse_block_kind(const std::string& name, const std::string& where);

struct BlockSpec {
  BlockKind kind = BlockKind::kPlain;
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  int64_t stride = 1;
};

struct NetworkSpec {
  std::string name;
  int64_t in_channels = 1;
  int64_t stem_channels = 16;
  int64_t classes = 10;
  std::vector<BlockSpec> blocks;
};

// Internal widths derived from a block's channels; the torch modules and the workload emitter
// both read them from here so that they cannot disagree.
int64_t bottleneck_mid_channels(const BlockSpec& b);
int64_t dense_growth(const BlockSpec& b);
constexpr int64_t kDenseLayers = 4;
int64_t mbconv_hidden_channels(const BlockSpec& b);

// Teachers: resnet20, resnet32, resnet56 (basic blocks, 16/32/64 channels), densenet (one
// dense block per stage), vgg (plain blocks, 32/64/128 channels).
std::vector<std::string> teacher_names();
NetworkSpec teacher_spec(const std::string& name);  // throws InputError listing the names

Json spec_to_json(const NetworkSpec& spec);
NetworkSpec spec_from_json(const Json& j, const std::string& where);

// The inference graph (batch-norm folded into the convs). `imagenet` builds the 224x224,
// 3-channel, 1000-class instance of the same blocks: a 7x7/2 stem and a 3x3/2 max pool bring
// the image to 56x56 before the first block. Otherwise the input is in_channels x side x side.
Workload network_workload(const NetworkSpec& spec, int64_t side, bool imagenet);

// The name of the workload layer that holds block i's output, for shape checks.
std::string block_output_layer(const Workload& workload, std::size_t block);

}  // namespace duet::recast
