// The vit family as a supernet (supernet.hpp), mirroring build_vit in sim/dse/search_space.cpp:
// a strided patch convolution, encoder layers (or skip), a final LayerNorm, the mean over tokens
// and a linear head. One addition the workload does not count: learned position embeddings,
// one add of tokens x width elements (without them the encoder would see a bag of patches).
#include <cstdio>

#include "models/coexplore/supernet.hpp"
#include "models/nnlut/encoder_layer.hpp"

namespace duet::coexplore {
namespace {

constexpr double kLayerNormEps = 1e-5;  // as the accuracy study and torch's default

struct VitSupernetImpl : SupernetImpl {
  VitSupernetImpl(const NetworkFamily& family, std::vector<std::vector<int>> allowed_) {
    allowed = std::move(allowed_);
    const Json& d = family.definition;
    const auto input = d["input"].get<std::vector<int64_t>>();
    const int64_t patch = d["patch"].get<int64_t>(), width = d["width"].get<int64_t>();
    const int64_t tokens = (input[1] / patch) * (input[2] / patch);
    embed = register_module(
        "embed", torch::nn::Conv2d(torch::nn::Conv2dOptions(input[0], width, patch).stride(patch)));
    position = register_parameter("position", torch::randn({1, tokens, width}) * 0.02);
    for (std::size_t b = 0; b < family.blocks.size(); ++b) {
      std::vector<std::shared_ptr<torch::nn::Module>> ops;
      for (int option : allowed.at(b)) {
        const std::string& name = family.blocks[b].options.at(option);
        long heads = 0, ratio = 0;
        std::shared_ptr<torch::nn::Module> op;
        if (std::sscanf(name.c_str(), "h%ld_m%ld", &heads, &ratio) == 2) {
          op = EncoderLayer(width, heads, ratio, kLayerNormEps).ptr();
        } else {
          op = torch::nn::Identity().ptr();  // skip
        }
        ops.push_back(register_module("b" + std::to_string(b) + "_" + name, op));
      }
      layers.push_back(ops);
    }
    norm = register_module("norm", make_layer_norm(width, kLayerNormEps));
    head = register_module("head", TokenLinear(width, d["classes"].get<int64_t>()));
  }

  torch::Tensor forward(const torch::Tensor& images, const std::vector<int>& path) override {
    torch::Tensor x = embed(images).flatten(2).transpose(1, 2) + position;  // [batch, tokens, w]
    for (std::size_t b = 0; b < layers.size(); ++b) {
      if (auto* layer = layers[b][slot(b, path)]->as<EncoderLayerImpl>()) {
        x = layer->forward(x, nonlinear);
      }
    }
    return head(nonlinear.layer_norm(x, norm).mean(1, /*keepdim=*/true)).squeeze(1);
  }

  torch::nn::Conv2d embed{nullptr};
  torch::Tensor position;
  std::vector<std::vector<std::shared_ptr<torch::nn::Module>>> layers;  // [block][allowed slot]
  torch::nn::LayerNorm norm{nullptr};
  TokenLinear head{nullptr};
};

}  // namespace

std::shared_ptr<SupernetImpl> make_vit_supernet(const NetworkFamily& family,
                                                std::vector<std::vector<int>> allowed) {
  return std::make_shared<VitSupernetImpl>(family, std::move(allowed));
}

}  // namespace duet::coexplore
