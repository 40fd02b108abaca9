// A DenseNet-BC style dense block: kDenseLayers bottleneck layers (1x1 conv to 4 x growth, 3x3
// conv to growth, each conv-BN-ReLU), every layer reading the concatenation of the block input
// and all earlier layers' outputs, then a 1x1 transition conv-BN-ReLU to the block's width and
// a 2x2 average pool when the block downsamples.
#include <vector>

#include "models/recast/blocks.hpp"

namespace duet::recast {
namespace {

// The workload IR has no concatenation. A 1x1 conv over a concatenation equals the sum of 1x1
// convs over its pieces, so it is emitted that way: the same MACs, and the adds stand for the
// partial-sum accumulation an accelerator without a concat does.
std::string emit_conv_over_pieces(WorkloadBuilder& b, const std::string& name,
                                  const std::vector<std::string>& pieces, int64_t out) {
  std::string sum;
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    const std::string part = emit_conv(
        b, pieces.size() == 1 ? name : name + ".p" + std::to_string(k), pieces[k], out, 1);
    sum = k == 0 ? part : b.add(name + ".sum" + std::to_string(k), sum, part);
  }
  return sum;
}

struct DenseBlock : BlockImpl {
  explicit DenseBlock(const BlockSpec& s) : spec(s), growth(dense_growth(s)) {
    int64_t channels = s.in_channels;
    for (int64_t j = 0; j < kDenseLayers; ++j) {
      const std::string n = "layer" + std::to_string(j);
      reduce.push_back(register_module(n + "_reduce", ConvBn(channels, 4 * growth, 1)));
      grow.push_back(register_module(n + "_grow", ConvBn(4 * growth, growth, 3)));
      channels += growth;
    }
    transition = register_module("transition", ConvBn(channels, s.out_channels, 1));
  }
  torch::Tensor forward(torch::Tensor x) override {
    std::vector<torch::Tensor> features = {x};
    for (std::size_t j = 0; j < reduce.size(); ++j) {
      const torch::Tensor h = torch::relu(reduce[j](torch::cat(features, 1)));
      features.push_back(torch::relu(grow[j](h)));
    }
    torch::Tensor out = torch::relu(transition(torch::cat(features, 1)));
    return spec.stride == 2 ? torch::avg_pool2d(out, 2, 2) : out;
  }
  std::string emit(WorkloadBuilder& b, const std::string& p, const std::string& in) const override {
    std::vector<std::string> pieces = {in};
    for (std::size_t j = 0; j < reduce.size(); ++j) {
      const std::string n = p + "layer" + std::to_string(j);
      std::string h =
          b.relu(n + ".relu1", emit_conv_over_pieces(b, n + ".reduce", pieces, 4 * growth));
      h = b.relu(n + ".relu2", emit_conv(b, n + ".grow", h, growth, 3));
      pieces.push_back(h);
    }
    std::string out = b.relu(p + "transition.relu",
                             emit_conv_over_pieces(b, p + "transition", pieces, spec.out_channels));
    return spec.stride == 2 ? b.avgpool(p + "pool", out, 2, 2) : out;
  }
  BlockSpec spec;
  int64_t growth;
  std::vector<ConvBn> reduce, grow;
  ConvBn transition{nullptr};
};

}  // namespace

Block make_dense_block(const BlockSpec& spec) { return std::make_shared<DenseBlock>(spec); }

}  // namespace duet::recast
