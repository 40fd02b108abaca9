#include "workloads/op_descriptor.hpp"

#include "workloads/op_rules.hpp"

namespace duet {

const std::vector<OpDescriptor>& op_descriptors() {
  using namespace op_rules;
  using U = OpUnit;
  static const std::vector<OpDescriptor> table = {
      // kind, name, unit, inputs, nonlinear, fuses into producer,
      // JSON read, JSON write, shape, GEMM view, weights, SFU rows
      {OpKind::kConv2d, "conv2d", U::kPeArray, 1, false, false, read_conv, write_conv, conv,
       conv_as_gemm, filter_weights, nullptr},
      {OpKind::kGemm, "gemm", U::kPeArray, 1, false, false, read_gemm, write_gemm, gemm,
       gemm_as_gemm, filter_weights, nullptr},
      {OpKind::kMatmul, "matmul", U::kPeArray, 2, false, false, read_matmul, write_matmul, matmul,
       matmul_as_gemm, nullptr, nullptr},
      {OpKind::kAdd, "add", U::kSfu, 2, false, false, read_none, write_none, broadcast, nullptr,
       nullptr, add_rows},
      {OpKind::kMul, "mul", U::kSfu, 2, false, false, read_none, write_none, broadcast, nullptr,
       nullptr, mul_rows},
      {OpKind::kMaxPool, "maxpool", U::kSfu, 1, false, false, read_pool, write_pool, pool, nullptr,
       nullptr, maxpool_rows},
      {OpKind::kAvgPool, "avgpool", U::kSfu, 1, false, false, read_pool, write_pool, pool, nullptr,
       nullptr, avgpool_rows},
      {OpKind::kGlobalAvgPool, "global_avgpool", U::kSfu, 1, false, false, read_none, write_none,
       global_pool, nullptr, nullptr, global_pool_rows},
      {OpKind::kRelu, "relu", U::kSfu, 1, false, true, read_none, write_none, same_shape, nullptr,
       nullptr, relu_rows},
      {OpKind::kClip, "clip", U::kSfu, 1, false, true, read_none, write_none, same_shape, nullptr,
       nullptr, clip_rows},
      {OpKind::kBatchNorm, "batchnorm", U::kSfu, 1, false, false, read_none, write_none, same_shape,
       nullptr, nullptr, batchnorm_rows},
      {OpKind::kGelu, "gelu", U::kSfu, 1, true, false, read_none, write_none, same_shape, nullptr,
       nullptr, gelu_rows},
      {OpKind::kSilu, "silu", U::kSfu, 1, true, false, read_none, write_none, same_shape, nullptr,
       nullptr, silu_rows},
      {OpKind::kSigmoid, "sigmoid", U::kSfu, 1, true, false, read_none, write_none, same_shape,
       nullptr, nullptr, sigmoid_rows},
      {OpKind::kTanh, "tanh", U::kSfu, 1, true, false, read_none, write_none, same_shape, nullptr,
       nullptr, tanh_rows},
      {OpKind::kHardSigmoid, "hardsigmoid", U::kSfu, 1, false, false, read_none, write_none,
       same_shape, nullptr, nullptr, hardsigmoid_rows},
      {OpKind::kHardSwish, "hardswish", U::kSfu, 1, false, false, read_none, write_none, same_shape,
       nullptr, nullptr, hardswish_rows},
      {OpKind::kDiv, "div", U::kSfu, 2, true, false, read_none, write_none, broadcast, nullptr,
       nullptr, div_rows},
      {OpKind::kSoftmax, "softmax", U::kSfu, 1, true, false, read_softmax, write_softmax, softmax,
       nullptr, nullptr, softmax_rows},
      {OpKind::kLayerNorm, "layernorm", U::kSfu, 1, true, false, read_none, write_none, same_shape,
       nullptr, nullptr, layernorm_rows},
      {OpKind::kEmbedding, "embedding", U::kDma, 1, false, false, read_embedding, write_embedding,
       embedding, nullptr, table_weights, embedding_rows},
      {OpKind::kWeight, "weight", U::kDma, 0, false, false, read_weight, write_weight, weight,
       nullptr, constant_weights, weight_rows},
      {OpKind::kSlice, "slice", U::kView, 1, false, false, read_slice, write_slice, slice, nullptr,
       nullptr, nullptr},
      {OpKind::kConcat, "concat", U::kView, kAnyInputs, false, false, read_concat, write_concat,
       concat, nullptr, nullptr, nullptr},
      {OpKind::kPad, "pad", U::kView, 1, false, false, read_pad, write_pad, pad, nullptr, nullptr,
       nullptr},
      {OpKind::kMemory, "memory", U::kSfu, kAnyInputs, false, false, read_memory, write_memory,
       memory, nullptr, nullptr, memory_rows},
      {OpKind::kReshape, "reshape", U::kView, 1, false, false, read_reshape, write_reshape, reshape,
       nullptr, nullptr, nullptr},
      {OpKind::kTranspose, "transpose", U::kView, 1, false, false, read_transpose, write_transpose,
       transpose, nullptr, nullptr, nullptr},
  };
  return table;
}

const OpDescriptor& op_descriptor(OpKind op) {
  for (const auto& d : op_descriptors()) {
    if (d.kind == op) return d;
  }
  return op_descriptors().front();  // unreachable: every OpKind has a row (tests check)
}

}  // namespace duet
