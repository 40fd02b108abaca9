// Transformer encoders: BERT (post-LN) and ViT (pre-LN) share one encoder-layer builder.
#include <string>
#include <utility>
#include <vector>

#include "workloads/builder.hpp"
#include "workloads/transformer_blocks.hpp"

namespace duet {
namespace {

std::string encoder_stack(WorkloadBuilder& b, std::string x, int layers, const EncoderShape& s) {
  for (int i = 0; i < layers; ++i) {
    x = encoder_layer(b, "encoder." + std::to_string(i) + ".", x, s);
  }
  return x;
}

// Encoder only: no pooler or task head, matching the published encoder MAC counts. Position and
// token-type embeddings are omitted; like the word embedding they are lookups without MACs.
Workload bert(const std::string& name, int64_t batch, int64_t seq_len, int layers, int64_t hidden,
              int64_t heads) {
  constexpr int64_t kVocab = 30522;
  WorkloadBuilder b(name);
  std::string ids = b.input("input_ids", {batch, seq_len});
  std::string x = b.layernorm("embeddings.ln", b.embedding("embeddings", ids, kVocab, hidden));
  encoder_stack(b, x, layers, {batch, seq_len, hidden, heads, false});
  return b.finish();
}

}  // namespace

Workload build_bert_base(int64_t batch, int64_t seq_len) {
  return bert("bert-base", batch, seq_len, 12, 768, 12);
}

Workload build_bert_large(int64_t batch, int64_t seq_len) {
  return bert("bert-large", batch, seq_len, 24, 1024, 16);
}

// ViT-B/16 approximations, forced by the IR having no concat or slice:
//  - the class token is omitted, so the sequence is 196 patches rather than 197 (-0.5% MACs);
//  - the head mean-pools the tokens instead of reading the class token (same 768x1000 gemm).
// Position embeddings are a parameter add and are omitted; they do no MACs.
Workload build_vit_b16(int64_t batch) {
  constexpr int64_t kHidden = 768, kPatch = 16, kGrid = 224 / kPatch, kTokens = kGrid * kGrid;
  WorkloadBuilder b("vit-b16");
  std::string x = b.input("image", {batch, 3, 224, 224});
  x = b.conv("patch_embed", x, kHidden, kPatch, kPatch);
  x = b.reshape("patch_flatten", x, {batch, kHidden, kTokens});
  x = b.transpose("tokens", x, {0, 2, 1});
  x = encoder_stack(b, x, 12, {batch, kTokens, kHidden, 12, true});
  x = b.layernorm("norm", x);
  // Mean over tokens via global_avgpool, which needs NCHW: view the tokens as a 14x14 map.
  x = b.transpose("norm_t", x, {0, 2, 1});
  x = b.global_avgpool("pool", b.reshape("token_map", x, {batch, kHidden, kGrid, kGrid}));
  b.gemm("head", b.reshape("flatten", x, {batch, kHidden}), 1000);
  return b.finish();
}

}  // namespace duet
