// The bottleneck residual block: 1x1 reduce, 3x3 (carrying the stride, as torchvision v1.5),
// 1x1 expand, and a projection shortcut when the shape changes.
#include "models/recast/blocks.hpp"

namespace duet::recast {
namespace {

struct BottleneckBlock : BlockImpl {
  explicit BottleneckBlock(const BlockSpec& s)
      : spec(s),
        mid(bottleneck_mid_channels(s)),
        conv1(register_module("conv1", ConvBn(s.in_channels, mid, 1))),
        conv2(register_module("conv2", ConvBn(mid, mid, 3, s.stride))),
        conv3(register_module("conv3", ConvBn(mid, s.out_channels, 1))) {
    if (projects()) {
      shortcut = register_module("shortcut", ConvBn(s.in_channels, s.out_channels, 1, s.stride));
    }
  }
  bool projects() const { return spec.stride != 1 || spec.in_channels != spec.out_channels; }
  torch::Tensor forward(torch::Tensor x) override {
    const torch::Tensor h = conv3(torch::relu(conv2(torch::relu(conv1(x)))));
    return torch::relu(h + (projects() ? shortcut(x) : x));
  }
  std::string emit(WorkloadBuilder& b, const std::string& p, const std::string& in) const override {
    std::string h = b.relu(p + "relu1", emit_conv(b, p + "conv1", in, mid, 1));
    h = b.relu(p + "relu2", emit_conv(b, p + "conv2", h, mid, 3, spec.stride));
    h = emit_conv(b, p + "conv3", h, spec.out_channels, 1);
    const std::string skip =
        projects() ? emit_conv(b, p + "shortcut", in, spec.out_channels, 1, spec.stride) : in;
    return b.relu(p + "relu", b.add(p + "add", h, skip));
  }
  BlockSpec spec;
  int64_t mid;
  ConvBn conv1, conv2, conv3, shortcut{nullptr};
};

}  // namespace

Block make_bottleneck_block(const BlockSpec& spec) {
  return std::make_shared<BottleneckBlock>(spec);
}

}  // namespace duet::recast
