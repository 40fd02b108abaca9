#include "workloads/op_descriptor.hpp"

#include "workloads/op_rules.hpp"

namespace duet {

const std::vector<OpDescriptor>& op_descriptors() {
  using namespace op_rules;
  using U = OpUnit;
  // clang-format off
  static const std::vector<OpDescriptor> table = {
      // kind                 name              unit         in  nonlinear  JSON fields                   shape        PE view      SFU rows
      {OpKind::kConv2d,        "conv2d",         U::kPeArray, 1, false, read_conv,      write_conv,      conv,        conv_as_gemm,   nullptr},
      {OpKind::kGemm,          "gemm",           U::kPeArray, 1, false, read_gemm,      write_gemm,      gemm,        gemm_as_gemm,   nullptr},
      {OpKind::kMatmul,        "matmul",         U::kPeArray, 2, false, read_matmul,    write_matmul,    matmul,      matmul_as_gemm, nullptr},
      {OpKind::kAdd,           "add",            U::kSfu,     2, false, read_none,      write_none,      same_shapes, nullptr,     add_rows},
      {OpKind::kMul,           "mul",            U::kSfu,     2, false, read_none,      write_none,      same_shapes, nullptr,     mul_rows},
      {OpKind::kMaxPool,       "maxpool",        U::kSfu,     1, false, read_pool,      write_pool,      pool,        nullptr,     maxpool_rows},
      {OpKind::kAvgPool,       "avgpool",        U::kSfu,     1, false, read_pool,      write_pool,      pool,        nullptr,     avgpool_rows},
      {OpKind::kGlobalAvgPool, "global_avgpool", U::kSfu,     1, false, read_none,      write_none,      global_pool, nullptr,     global_pool_rows},
      {OpKind::kRelu,          "relu",           U::kSfu,     1, false, read_none,      write_none,      same_shape,  nullptr,     relu_rows},
      {OpKind::kGelu,          "gelu",           U::kSfu,     1, true,  read_none,      write_none,      same_shape,  nullptr,     gelu_rows},
      {OpKind::kSilu,          "silu",           U::kSfu,     1, true,  read_none,      write_none,      same_shape,  nullptr,     silu_rows},
      {OpKind::kSoftmax,       "softmax",        U::kSfu,     1, true,  read_softmax,   write_softmax,   softmax,     nullptr,     softmax_rows},
      {OpKind::kLayerNorm,     "layernorm",      U::kSfu,     1, true,  read_none,      write_none,      same_shape,  nullptr,     layernorm_rows},
      {OpKind::kEmbedding,     "embedding",      U::kDma,     1, false, read_embedding, write_embedding, embedding,   nullptr,     nullptr},
      {OpKind::kReshape,       "reshape",        U::kView,    1, false, read_reshape,   write_reshape,   reshape,     nullptr,     nullptr},
      {OpKind::kTranspose,     "transpose",      U::kView,    1, false, read_transpose, write_transpose, transpose,   nullptr,     nullptr},
  };
  // clang-format on
  return table;
}

const OpDescriptor& op_descriptor(OpKind op) {
  for (const auto& d : op_descriptors()) {
    if (d.kind == op) return d;
  }
  return op_descriptors().front();  // unreachable: every OpKind has a row (tests check)
}

}  // namespace duet
