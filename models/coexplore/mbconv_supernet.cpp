// The mbconv family as a supernet (supernet.hpp).
#include <cstdio>

#include "models/coexplore/supernet.hpp"
#include "models/recast/blocks.hpp"

namespace duet::coexplore {
namespace {

// MobileNetV2's inverted residual as the family builds it: 1x1 expand (absent at expansion 1),
// k x k depthwise with the stride, linear 1x1 projection, identity shortcut when shapes match.
struct MbconvImpl : torch::nn::Module {
  MbconvImpl(int64_t in, int64_t out, int64_t kernel, int64_t expansion, int64_t stride)
      : residual(stride == 1 && in == out) {
    const int64_t hidden = in * expansion;
    if (expansion != 1) expand = register_module("expand", recast::ConvBn(in, hidden, 1));
    depthwise =
        register_module("depthwise", recast::ConvBn(hidden, hidden, kernel, stride, hidden));
    project = register_module("project", recast::ConvBn(hidden, out, 1));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = expand ? torch::relu(expand(x)) : x;
    h = project(torch::relu(depthwise(h)));
    return residual ? h + x : h;
  }
  bool residual;
  recast::ConvBn expand{nullptr}, depthwise{nullptr}, project{nullptr};
};
TORCH_MODULE(Mbconv);

bool parse_option(const std::string& option, int64_t& kernel, int64_t& expansion) {
  return std::sscanf(option.c_str(), "k%ld_e%ld", &kernel, &expansion) == 2;
}

// The family's stem, stages of mbconv options and head, as a supernet.
struct MbconvSupernetImpl : SupernetImpl {
  MbconvSupernetImpl(const NetworkFamily& family, std::vector<std::vector<int>> allowed);
  torch::Tensor forward(const torch::Tensor& images, const std::vector<int>& path) override;

  recast::ConvBn stem{nullptr};
  std::vector<std::vector<std::shared_ptr<torch::nn::Module>>> blocks;  // [block][allowed slot]
  recast::ConvBn head{nullptr};  // absent without head channels
  torch::nn::Conv2d classifier{nullptr};
};

MbconvSupernetImpl::MbconvSupernetImpl(const NetworkFamily& family,
                                       std::vector<std::vector<int>> allowed_) {
  allowed = std::move(allowed_);
  const Json& d = family.definition;
  const auto input = d["input"].get<std::vector<int64_t>>();
  const Json& stem_def = d["stem"];
  int64_t channels = stem_def["channels"].get<int64_t>();
  stem =
      register_module("stem", recast::ConvBn(input[0], channels, stem_def["kernel"].get<int64_t>(),
                                             stem_def["stride"].get<int64_t>()));
  std::size_t b = 0;
  for (const Json& stage : d["stages"]) {
    const int64_t out = stage["channels"].get<int64_t>();
    for (int64_t i = 0; i < stage["blocks"].get<int64_t>(); ++i, ++b) {
      const int64_t stride = i == 0 ? stage["stride"].get<int64_t>() : 1;
      std::vector<std::shared_ptr<torch::nn::Module>> ops;
      for (int option : allowed.at(b)) {
        const std::string& name = family.blocks[b].options.at(option);
        int64_t kernel = 0, expansion = 0;
        std::shared_ptr<torch::nn::Module> op;
        if (name == "skip") {
          op = torch::nn::Identity().ptr();
        } else {
          parse_option(name, kernel, expansion);
          op = Mbconv(channels, out, kernel, expansion, stride).ptr();
        }
        ops.push_back(register_module("b" + std::to_string(b) + "_" + name, op));
      }
      blocks.push_back(ops);
      channels = out;
    }
  }
  if (const int64_t width = d["head_channels"].get<int64_t>(); width > 0) {
    head = register_module("head", recast::ConvBn(channels, width, 1));
    channels = width;
  }
  // The classifier as a 1x1 conv: Debian's libtorch sends nn::Linear to a slow reference BLAS.
  classifier = register_module("classifier", torch::nn::Conv2d(torch::nn::Conv2dOptions(
                                                 channels, d["classes"].get<int64_t>(), 1)));
}

torch::Tensor MbconvSupernetImpl::forward(const torch::Tensor& images,
                                          const std::vector<int>& path) {
  torch::Tensor x = torch::relu(stem(images));
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    auto& op = blocks[b][slot(b, path)];
    if (auto* mb = op->as<MbconvImpl>()) x = mb->forward(x);  // else skip: identity
  }
  if (head) x = torch::relu(head(x));
  return classifier->forward(torch::adaptive_avg_pool2d(x, {1, 1})).flatten(1);
}

}  // namespace

std::shared_ptr<SupernetImpl> make_mbconv_supernet(const NetworkFamily& family,
                                                   std::vector<std::vector<int>> allowed) {
  return std::make_shared<MbconvSupernetImpl>(family, std::move(allowed));
}

}  // namespace duet::coexplore
