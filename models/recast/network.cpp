#include "models/recast/network.hpp"

#include "workloads/input_error.hpp"

namespace duet::recast {

Block make_block(const BlockSpec& spec) {
  switch (spec.kind) {
    case BlockKind::kPlain:
      return make_plain_block(spec);
    case BlockKind::kBasic:
      return make_basic_block(spec);
    case BlockKind::kBottleneck:
      return make_bottleneck_block(spec);
    case BlockKind::kDense:
      return make_dense_block(spec);
    case BlockKind::kMbconv:
      return make_mbconv_block(spec);
  }
  throw std::logic_error("make_block: unhandled kind");
}

int copy_matching(const torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  int copied = 0;
  auto copy = [&](const torch::OrderedDict<std::string, torch::Tensor>& src,
                  torch::OrderedDict<std::string, torch::Tensor> dst) {
    for (const auto& item : dst) {
      const torch::Tensor* s = src.find(item.key());
      if (s && s->sizes() == item.value().sizes()) {
        item.value().copy_(*s);
        ++copied;
      }
    }
  };
  copy(from.named_parameters(), to.named_parameters());
  copy(from.named_buffers(), to.named_buffers());
  return copied;
}

NetworkImpl::NetworkImpl(const NetworkSpec& s) : spec(s) {
  stem = register_module("stem", ConvBn(s.in_channels, s.stem_channels, 3));
  for (std::size_t i = 0; i < s.blocks.size(); ++i) {
    blocks.push_back(register_module("block" + std::to_string(i), make_block(s.blocks[i])));
  }
  const int64_t width = s.blocks.empty() ? s.stem_channels : s.blocks.back().out_channels;
  head = register_module("head", Head(width, s.classes));
}

torch::Tensor NetworkImpl::blocks_forward(torch::Tensor h, std::size_t first, std::size_t last) {
  for (std::size_t i = first; i < last; ++i) h = blocks[i]->forward(h);
  return h;
}

void NetworkImpl::set_block(std::size_t i, Block block) {
  blocks[i] = replace_module("block" + std::to_string(i), std::move(block));
}

void NetworkImpl::set_head(Head new_head) { head = replace_module("head", std::move(new_head)); }

int64_t NetworkImpl::parameter_count() const {
  int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

Workload network_workload(const NetworkSpec& spec, int64_t side, bool imagenet) {
  WorkloadBuilder b(spec.name + (imagenet ? "-224" : "-" + std::to_string(side)));
  const int64_t channels = imagenet ? 3 : spec.in_channels;
  const int64_t classes = imagenet ? 1000 : spec.classes;
  std::string x = b.input("image", {1, channels, imagenet ? 224 : side, imagenet ? 224 : side});
  if (imagenet) {
    x = b.relu("stem.relu", b.conv("stem.conv", x, spec.stem_channels, 7, 2, 3));
    x = b.maxpool("stem.maxpool", x, 3, 2, 1);
  } else {
    x = b.relu("stem.relu", emit_conv(b, "stem.conv", x, spec.stem_channels, 3));
  }
  // The modules are built only to reach each kind's emit(); their weights are irrelevant here.
  for (std::size_t i = 0; i < spec.blocks.size(); ++i) {
    x = make_block(spec.blocks[i])->emit(b, "block" + std::to_string(i) + ".", x);
  }
  const int64_t width = spec.blocks.empty() ? spec.stem_channels : spec.blocks.back().out_channels;
  x = b.global_avgpool("head.avgpool", x);
  b.gemm("head.fc", b.reshape("head.flatten", x, {1, width}), classes);
  return b.finish();
}

}  // namespace duet::recast
