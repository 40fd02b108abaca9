// Transformer encoders: BERT (post-LN) and ViT (pre-LN) share one encoder-layer builder.
#include <string>
#include <utility>
#include <vector>

#include "workloads/builder.hpp"

namespace duet {
namespace {

struct EncoderShape {
  int64_t batch;
  int64_t seq;
  int64_t hidden;
  int64_t heads;
  bool pre_norm;  // ViT normalises each sub-layer's input; BERT normalises after the residual
};

// [B, L, H] -> [B, h, L, d] permuted by `perm` (so [0,2,3,1] yields keys as [B, h, d, L]).
std::string split_heads(WorkloadBuilder& b, const std::string& name, const std::string& in,
                        const EncoderShape& s, std::vector<int64_t> perm) {
  std::string r = b.reshape(name + "_split", in, {s.batch, s.seq, s.heads, s.hidden / s.heads});
  return b.transpose(name + "_heads", r, std::move(perm));
}

std::string self_attention(WorkloadBuilder& b, const std::string& p, const std::string& x,
                           const EncoderShape& s) {
  std::string q = split_heads(b, p + "q", b.gemm(p + "q", x, s.hidden), s, {0, 2, 1, 3});
  std::string k = split_heads(b, p + "k", b.gemm(p + "k", x, s.hidden), s, {0, 2, 3, 1});
  std::string v = split_heads(b, p + "v", b.gemm(p + "v", x, s.hidden), s, {0, 2, 1, 3});
  std::string probs = b.softmax(p + "probs", b.matmul(p + "scores", q, k), -1);
  std::string ctx = b.transpose(p + "ctx_t", b.matmul(p + "ctx", probs, v), {0, 2, 1, 3});
  std::string merged = b.reshape(p + "merge", ctx, {s.batch, s.seq, s.hidden});
  return b.gemm(p + "o", merged, s.hidden);
}

std::string feed_forward(WorkloadBuilder& b, const std::string& p, const std::string& x,
                         const EncoderShape& s) {
  std::string g = b.gelu(p + "gelu", b.gemm(p + "ffn1", x, 4 * s.hidden));
  return b.gemm(p + "ffn2", g, s.hidden);
}

// One encoder layer on x: [B, L, H]. In both variants "ln1" belongs to attention and "ln2" to the
// feed-forward block; only where they sit relative to the residual add differs.
std::string encoder_layer(WorkloadBuilder& b, const std::string& p, const std::string& x,
                          const EncoderShape& s) {
  std::string attn_in = s.pre_norm ? b.layernorm(p + "ln1", x) : x;
  std::string a1 = b.add(p + "add1", self_attention(b, p, attn_in, s), x);
  std::string stream = s.pre_norm ? a1 : b.layernorm(p + "ln1", a1);
  std::string ffn_in = s.pre_norm ? b.layernorm(p + "ln2", a1) : stream;
  std::string a2 = b.add(p + "add2", feed_forward(b, p, ffn_in, s), stream);
  return s.pre_norm ? a2 : b.layernorm(p + "ln2", a2);
}

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
