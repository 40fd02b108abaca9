// Each op's attributes in Duet's workload JSON (docs/workload-format.md): the reader and the
// writer side by side, so that every field a reader accepts is one the writer emits.
#include "workloads/op_rules.hpp"

namespace duet::op_rules {
namespace {

// Accepts a scalar (same value on both axes) or a pair.
std::array<int64_t, 2> read_pair(ObjectReader& r, const std::string& key, int64_t fallback,
                                 int64_t min) {
  if (!r.has(key)) {
    r.integer_or(key, fallback, min, INT32_MAX);  // marks the key as known
    return {fallback, fallback};
  }
  auto v = r.integer_list(key, min, INT32_MAX);
  if (v.size() == 1) return {v[0], v[0]};
  if (v.size() != 2) r.fail(key, "expected 1 or 2 integers, got " + std::to_string(v.size()));
  return {v[0], v[1]};
}

Json pair_json(const std::array<int64_t, 2>& v) { return Json::array({v[0], v[1]}); }

void read_window(ObjectReader& r, Layer& l) {
  l.kernel = read_pair(r, "kernel", 1, 1);
  l.stride = read_pair(r, "stride", 1, 1);
  if (!r.has("padding")) {
    r.integer_or("padding", 0, 0, 0);
    return;
  }
  auto p = r.integer_list("padding", 0, INT32_MAX);
  if (p.size() == 1)
    l.padding = {p[0], p[0], p[0], p[0]};
  else if (p.size() == 2)
    l.padding = {p[0], p[1], p[0], p[1]};
  else if (p.size() == 4)
    l.padding = {p[0], p[1], p[2], p[3]};
  else
    r.fail("padding", "expected 1, 2 or 4 integers (top, left, bottom, right)");
}

void write_window(const Layer& l, Json& j) {
  j["kernel"] = pair_json(l.kernel);
  j["stride"] = pair_json(l.stride);
  j["padding"] = Json::array({l.padding[0], l.padding[1], l.padding[2], l.padding[3]});
}

}  // namespace

void read_conv(ObjectReader& r, Layer& l) {
  l.out_channels = r.integer("out_channels", 1, INT32_MAX);
  l.groups = r.integer_or("groups", 1, 1, INT32_MAX);
  l.dilation = read_pair(r, "dilation", 1, 1);
  read_window(r, l);
}

void write_conv(const Layer& l, Json& j) {
  j["out_channels"] = l.out_channels;
  if (l.groups != 1) j["groups"] = l.groups;
  if (l.dilation != std::array<int64_t, 2>{1, 1}) j["dilation"] = pair_json(l.dilation);
  write_window(l, j);
}

void read_pool(ObjectReader& r, Layer& l) { read_window(r, l); }
void write_pool(const Layer& l, Json& j) { write_window(l, j); }

void read_gemm(ObjectReader& r, Layer& l) {
  l.out_features = r.integer("out_features", 1, INT32_MAX);
}
void write_gemm(const Layer& l, Json& j) { j["out_features"] = l.out_features; }

void read_matmul(ObjectReader& r, Layer& l) { l.transpose_b = r.boolean_or("transpose_b", false); }
void write_matmul(const Layer& l, Json& j) {
  if (l.transpose_b) j["transpose_b"] = true;
}

void read_softmax(ObjectReader& r, Layer& l) { l.axis = r.integer_or("axis", -1, -16, 15); }
void write_softmax(const Layer& l, Json& j) {
  if (l.axis != -1) j["axis"] = l.axis;
}

void read_embedding(ObjectReader& r, Layer& l) {
  l.vocab = r.integer("vocab", 1, INT32_MAX);
  l.dim = r.integer("dim", 1, INT32_MAX);
}
void write_embedding(const Layer& l, Json& j) {
  j["vocab"] = l.vocab;
  j["dim"] = l.dim;
}

void read_reshape(ObjectReader& r, Layer& l) {
  l.target_shape = r.integer_list("shape", -1, INT32_MAX);
}
void write_reshape(const Layer& l, Json& j) { j["shape"] = l.target_shape; }

void read_transpose(ObjectReader& r, Layer& l) { l.perm = r.integer_list("perm", 0, 15); }
void write_transpose(const Layer& l, Json& j) { j["perm"] = l.perm; }

void read_weight(ObjectReader& r, Layer& l) {
  l.target_shape = r.integer_list("shape", 1, INT32_MAX);
}
void write_weight(const Layer& l, Json& j) { j["shape"] = l.target_shape; }

void read_slice(ObjectReader& r, Layer& l) {
  l.axis = r.integer("axis", -16, 15);
  l.start = r.integer("start", 0, INT32_MAX);
  l.end = r.integer("end", 1, INT32_MAX);
}
void write_slice(const Layer& l, Json& j) {
  j["axis"] = l.axis;
  j["start"] = l.start;
  j["end"] = l.end;
}

void read_concat(ObjectReader& r, Layer& l) { l.axis = r.integer("axis", -16, 15); }
void write_concat(const Layer& l, Json& j) { j["axis"] = l.axis; }

void read_pad(ObjectReader& r, Layer& l) { l.pads = r.integer_list("pads", 0, INT32_MAX); }
void write_pad(const Layer& l, Json& j) { j["pads"] = l.pads; }

void read_memory(ObjectReader& r, Layer& l) {
  l.target_shape = r.integer_list("shape", 1, INT32_MAX);
}
void write_memory(const Layer& l, Json& j) { j["shape"] = l.target_shape; }

void read_none(ObjectReader&, Layer&) {}
void write_none(const Layer&, Json&) {}

}  // namespace duet::op_rules
