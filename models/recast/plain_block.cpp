// conv-BN-ReLU: what a residual block becomes in residual -> plain recasting.
#include "models/recast/blocks.hpp"

namespace duet::recast {
namespace {

struct PlainBlock : BlockImpl {
  explicit PlainBlock(const BlockSpec& s)
      : spec(s),
        conv(register_module("conv", ConvBn(s.in_channels, s.out_channels, 3, s.stride))) {}
  torch::Tensor forward(torch::Tensor x) override { return torch::relu(conv(x)); }
  std::string emit(WorkloadBuilder& b, const std::string& p, const std::string& in) const override {
    return b.relu(p + "relu", emit_conv(b, p + "conv", in, spec.out_channels, 3, spec.stride));
  }
  BlockSpec spec;
  ConvBn conv;
};

}  // namespace

Block make_plain_block(const BlockSpec& spec) { return std::make_shared<PlainBlock>(spec); }

}  // namespace duet::recast
