#pragma once
// Private to models/recast/*.cpp (includes libtorch): the block library's torch modules.
// Every block kind is one module class that also records its own inference layers, so any
// network built from blocks becomes a duet workload.
#include <torch/torch.h>

#include <memory>
#include <string>

#include "models/recast/spec.hpp"
#include "workloads/builder.hpp"

namespace duet::recast {

struct BlockImpl : torch::nn::Module {
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  // Appends the block's layers (batch-norm folded into the convs) reading `in`; returns the
  // name of its output. Layer names start with `prefix`.
  virtual std::string emit(WorkloadBuilder& b, const std::string& prefix,
                           const std::string& in) const = 0;
};
using Block = std::shared_ptr<BlockImpl>;

// Convolution without bias followed by batch-norm, the unit every block is made of.
struct ConvBnImpl : torch::nn::Module {
  ConvBnImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t groups = 1)
      : conv(register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                                                           .stride(stride)
                                                           .padding(kernel / 2)
                                                           .groups(groups)
                                                           .bias(false)))),
        bn(register_module("bn", torch::nn::BatchNorm2d(out))) {}
  torch::Tensor forward(const torch::Tensor& x) { return bn(conv(x)); }
  torch::nn::Conv2d conv;
  torch::nn::BatchNorm2d bn;
};
TORCH_MODULE(ConvBn);

Block make_plain_block(const BlockSpec& spec);
Block make_basic_block(const BlockSpec& spec);
Block make_bottleneck_block(const BlockSpec& spec);
Block make_dense_block(const BlockSpec& spec);
Block make_mbconv_block(const BlockSpec& spec);
Block make_block(const BlockSpec& spec);

// A conv in the workload with "same" padding, as ConvBn has it.
inline std::string emit_conv(WorkloadBuilder& b, const std::string& name, const std::string& in,
                             int64_t out, int64_t kernel, int64_t stride = 1, int64_t groups = 1) {
  return b.conv(name, in, out, kernel, stride, kernel / 2, groups);
}

// Copies every parameter and buffer of `from` whose name and shape `to` also has, so a block
// that keeps the teacher's shape starts from the teacher's weights. Returns how many tensors
// were copied.
int copy_matching(const torch::nn::Module& from, torch::nn::Module& to);

}  // namespace duet::recast
