// MBConv (MobileNetV2's inverted residual): 1x1 expand, 3x3 depthwise carrying the stride,
// linear 1x1 projection, and an identity shortcut when the shape is kept.
#include "models/recast/blocks.hpp"

namespace duet::recast {
namespace {

struct MbconvBlock : BlockImpl {
  explicit MbconvBlock(const BlockSpec& s)
      : spec(s),
        hidden(mbconv_hidden_channels(s)),
        expand(register_module("expand", ConvBn(s.in_channels, hidden, 1))),
        depthwise(register_module("depthwise", ConvBn(hidden, hidden, 3, s.stride, hidden))),
        project(register_module("project", ConvBn(hidden, s.out_channels, 1))) {}
  bool residual() const { return spec.stride == 1 && spec.in_channels == spec.out_channels; }
  torch::Tensor forward(torch::Tensor x) override {
    const torch::Tensor h = project(torch::relu(depthwise(torch::relu(expand(x)))));
    return residual() ? h + x : h;
  }
  std::string emit(WorkloadBuilder& b, const std::string& p, const std::string& in) const override {
    std::string h = b.relu(p + "relu1", emit_conv(b, p + "expand", in, hidden, 1));
    h = b.relu(p + "relu2", emit_conv(b, p + "depthwise", h, hidden, 3, spec.stride, hidden));
    h = emit_conv(b, p + "project", h, spec.out_channels, 1);
    return residual() ? b.add(p + "add", h, in) : h;
  }
  BlockSpec spec;
  int64_t hidden;
  ConvBn expand, depthwise, project;
};

}  // namespace

Block make_mbconv_block(const BlockSpec& spec) { return std::make_shared<MbconvBlock>(spec); }

}  // namespace duet::recast
