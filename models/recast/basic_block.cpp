// The basic residual block: two 3x3 conv-BNs and a shortcut, which becomes a 1x1 conv-BN when
// the block changes the stride or the channel count (ResNet option B).
#include "models/recast/blocks.hpp"

namespace duet::recast {
namespace {

struct BasicBlock : BlockImpl {
  explicit BasicBlock(const BlockSpec& s)
      : spec(s),
        conv1(register_module("conv1", ConvBn(s.in_channels, s.out_channels, 3, s.stride))),
        conv2(register_module("conv2", ConvBn(s.out_channels, s.out_channels, 3))) {
    if (projects()) {
      shortcut = register_module("shortcut", ConvBn(s.in_channels, s.out_channels, 1, s.stride));
    }
  }
  bool projects() const { return spec.stride != 1 || spec.in_channels != spec.out_channels; }
  torch::Tensor forward(torch::Tensor x) override {
    const torch::Tensor h = conv2(torch::relu(conv1(x)));
    return torch::relu(h + (projects() ? shortcut(x) : x));
  }
  std::string emit(WorkloadBuilder& b, const std::string& p, const std::string& in) const override {
    std::string h =
        b.relu(p + "relu1", emit_conv(b, p + "conv1", in, spec.out_channels, 3, spec.stride));
    h = emit_conv(b, p + "conv2", h, spec.out_channels, 3);
    const std::string skip =
        projects() ? emit_conv(b, p + "shortcut", in, spec.out_channels, 1, spec.stride) : in;
    return b.relu(p + "relu", b.add(p + "add", h, skip));
  }
  BlockSpec spec;
  ConvBn conv1, conv2, shortcut{nullptr};
};

}  // namespace

Block make_basic_block(const BlockSpec& spec) { return std::make_shared<BasicBlock>(spec); }

}  // namespace duet::recast
