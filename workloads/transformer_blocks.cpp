#include "workloads/transformer_blocks.hpp"

#include <utility>
#include <vector>

namespace duet {
namespace {

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
  std::string g = b.gelu(p + "gelu", b.gemm(p + "ffn1", x, s.mlp_ratio * s.hidden));
  return b.gemm(p + "ffn2", g, s.hidden);
}

}  // namespace

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

}  // namespace duet
