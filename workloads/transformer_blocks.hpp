#pragma once
// Transformer encoder layers in the workload IR, shared by the zoo (BERT, ViT) and the ViT search
// space, so both build attention the same way.
#include <cstdint>
#include <string>

#include "workloads/builder.hpp"

namespace duet {

struct EncoderShape {
  int64_t batch;
  int64_t seq;
  int64_t hidden;
  int64_t heads;
  bool pre_norm;  // ViT normalises each sub-layer's input; BERT normalises after the residual
  int64_t mlp_ratio = 4;
};

// One encoder layer on x: [B, L, H]; layer names start with `prefix`.
std::string encoder_layer(WorkloadBuilder& b, const std::string& prefix, const std::string& x,
                          const EncoderShape& s);

}  // namespace duet
