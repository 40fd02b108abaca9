// Output shapes of each op from its input shapes, validating dimensions and attributes.
#include "workloads/input_error.hpp"
#include "workloads/op_rules.hpp"

namespace duet {

ShapeChecker::ShapeChecker(const std::string& source, const Layer& layer)
    : where_(source + ": layer \"" + layer.name + "\" (" + op_name(layer.op) + ")") {}

void ShapeChecker::fail(const std::string& what) const { throw InputError(where_ + ": " + what); }

void ShapeChecker::require(bool ok, const std::string& what) const {
  if (!ok) fail(what);
}

void ShapeChecker::positive(int64_t v, const std::string& field) const {
  if (v <= 0) fail(field + " must be positive, got " + std::to_string(v));
}

namespace op_rules {
namespace {

int64_t conv_out(int64_t in, int64_t kernel, int64_t stride, int64_t pad_lo, int64_t pad_hi,
                 int64_t dilation) {
  int64_t span = dilation * (kernel - 1) + 1;
  return (in + pad_lo + pad_hi - span) / stride + 1;
}

Shape window_output(const Layer& l, const ShapeChecker& c) {
  const Shape& in = l.input_shapes[0];
  c.require(in.size() == 4, "expects an NCHW input, got shape " + shape_string(in));
  for (int i = 0; i < 2; ++i) {
    c.positive(l.kernel[i], "kernel");
    c.positive(l.stride[i], "stride");
    c.positive(l.dilation[i], "dilation");
  }
  for (int64_t p : l.padding) c.require(p >= 0, "padding must be >= 0");
  for (int i = 0; i < 2; ++i) {
    const int64_t span = l.dilation[i] * (l.kernel[i] - 1) + 1;
    const int64_t padded = in[2 + i] + l.padding[i] + l.padding[i + 2];
    c.require(span <= padded, "kernel (span " + std::to_string(span) +
                                  ") larger than the padded input " + shape_string(in));
  }
  int64_t ho = conv_out(in[2], l.kernel[0], l.stride[0], l.padding[0], l.padding[2], l.dilation[0]);
  int64_t wo = conv_out(in[3], l.kernel[1], l.stride[1], l.padding[1], l.padding[3], l.dilation[1]);
  return {in[0], in[1], ho, wo};
}

}  // namespace

Shape conv(Layer& l, const ShapeChecker& c) {
  Shape out = window_output(l, c);
  const Shape& in = l.input_shapes[0];
  c.positive(l.out_channels, "out_channels");
  c.positive(l.groups, "groups");
  c.require(in[1] % l.groups == 0 && l.out_channels % l.groups == 0,
            "groups (" + std::to_string(l.groups) + ") must divide input channels (" +
                std::to_string(in[1]) + ") and out_channels (" + std::to_string(l.out_channels) +
                ")");
  out[1] = l.out_channels;
  return out;
}

Shape pool(Layer& l, const ShapeChecker& c) { return window_output(l, c); }

Shape global_pool(Layer& l, const ShapeChecker& c) {
  const Shape& in = l.input_shapes[0];
  c.require(in.size() == 4, "expects an NCHW input, got " + shape_string(in));
  return {in[0], in[1], 1, 1};
}

Shape gemm(Layer& l, const ShapeChecker& c) {
  c.require(!l.input_shapes[0].empty(), "input must have at least one dimension");
  c.positive(l.out_features, "out_features");
  Shape out = l.input_shapes[0];
  out.back() = l.out_features;
  return out;
}

Shape matmul(Layer& l, const ShapeChecker& c) {
  const Shape& a = l.input_shapes[0];
  const Shape& b = l.input_shapes[1];
  c.require(a.size() >= 2 && a.size() == b.size(),
            "inputs must have equal rank >= 2, got " + shape_string(a) + " and " + shape_string(b));
  for (std::size_t i = 0; i + 2 < a.size(); ++i) {
    c.require(a[i] == b[i],
              "batch dimensions differ: " + shape_string(a) + " vs " + shape_string(b));
  }
  int64_t kb = l.transpose_b ? b.back() : b[b.size() - 2];
  int64_t n = l.transpose_b ? b[b.size() - 2] : b.back();
  c.require(a.back() == kb, "shape mismatch: A " + shape_string(a) +
                                " has K=" + std::to_string(a.back()) + " but B " + shape_string(b) +
                                " has K=" + std::to_string(kb) +
                                (l.transpose_b ? " (transpose_b)" : ""));
  Shape out = a;
  out.back() = n;
  return out;
}

Shape broadcast(Layer& l, const ShapeChecker& c) {
  const auto& ins = l.input_shapes;
  Shape out;
  c.require(broadcast_shapes(ins[0], ins[1], out), "shape mismatch: " + shape_string(ins[0]) +
                                                       " vs " + shape_string(ins[1]) +
                                                       " (they do not broadcast)");
  return out;
}

Shape weight(Layer& l, const ShapeChecker& c) {
  c.require(!l.target_shape.empty(), "shape must not be empty");
  for (std::size_t i = 0; i < l.target_shape.size(); ++i)
    c.positive(l.target_shape[i], "shape[" + std::to_string(i) + "]");
  return l.target_shape;
}

namespace {

// Checks l.axis against the shape and makes it non-negative.
void normalise_axis(Layer& l, const Shape& shape, const ShapeChecker& c) {
  const int64_t rank = static_cast<int64_t>(shape.size());
  c.require(l.axis >= -rank && l.axis < rank,
            "axis " + std::to_string(l.axis) + " out of range for shape " + shape_string(shape));
  if (l.axis < 0) l.axis += rank;
}

}  // namespace

Shape slice(Layer& l, const ShapeChecker& c) {
  Shape out = l.input_shapes[0];
  normalise_axis(l, out, c);
  const int64_t size = out[l.axis];
  c.require(0 <= l.start && l.start < l.end && l.end <= size,
            "needs 0 <= start < end <= " + std::to_string(size) + ", got [" +
                std::to_string(l.start) + ", " + std::to_string(l.end) + ")");
  out[l.axis] = l.end - l.start;
  return out;
}

Shape concat(Layer& l, const ShapeChecker& c) {
  Shape out = l.input_shapes[0];
  normalise_axis(l, out, c);
  for (std::size_t i = 1; i < l.input_shapes.size(); ++i) {
    Shape in = l.input_shapes[i];
    c.require(in.size() == out.size(), "inputs must have equal rank");
    const int64_t along = in[l.axis];
    in[l.axis] = out[l.axis];
    c.require(in == out, "inputs differ outside axis " + std::to_string(l.axis) + ": " +
                             shape_string(l.input_shapes[0]) + " vs " +
                             shape_string(l.input_shapes[i]));
    out[l.axis] += along;
  }
  return out;
}

Shape same_shape(Layer& l, const ShapeChecker&) { return l.input_shapes[0]; }

Shape pad(Layer& l, const ShapeChecker& c) {
  Shape out = l.input_shapes[0];
  const std::size_t rank = out.size();
  c.require(l.pads.size() == 2 * rank,
            "pads needs " + std::to_string(2 * rank) + " values (before, then after, each of the " +
                std::to_string(rank) + " axes), got " + std::to_string(l.pads.size()));
  for (std::size_t i = 0; i < rank; ++i) {
    out[i] += l.pads[i] + l.pads[i + rank];  // each term <= 2^31: no overflow
    c.require(out[i] <= INT32_MAX,
              "padded axis " + std::to_string(i) + " exceeds " + std::to_string(INT32_MAX));
  }
  return out;
}

// The shape the op's source recorded (ONNX value_info), or its first input's.
Shape memory(Layer& l, const ShapeChecker& c) {
  int64_t read = 0;
  for (const auto& in : l.input_shapes) {
    c.require(!__builtin_add_overflow(read, elements(in), &read) && read <= kMaxElements,
              "its inputs hold more than 2^62 elements");
  }
  if (l.target_shape.empty()) return l.input_shapes[0];
  for (std::size_t i = 0; i < l.target_shape.size(); ++i)
    c.positive(l.target_shape[i], "shape[" + std::to_string(i) + "]");
  return l.target_shape;
}

Shape softmax(Layer& l, const ShapeChecker& c) {
  normalise_axis(l, l.input_shapes[0], c);
  return l.input_shapes[0];
}

Shape embedding(Layer& l, const ShapeChecker& c) {
  c.positive(l.vocab, "vocab");
  c.positive(l.dim, "dim");
  Shape out = l.input_shapes[0];
  out.push_back(l.dim);
  return out;
}

Shape reshape(Layer& l, const ShapeChecker& c) {
  const Shape& in = l.input_shapes[0];
  c.require(!l.target_shape.empty(), "shape must not be empty");
  int64_t known = 1;
  int infer_at = -1;
  Shape out = l.target_shape;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      c.require(infer_at < 0, "at most one -1 allowed in shape");
      infer_at = static_cast<int>(i);
    } else {
      c.positive(out[i], "shape[" + std::to_string(i) + "]");
      c.require(!__builtin_mul_overflow(known, out[i], &known) && known <= kMaxElements,
                "shape " + shape_string(l.target_shape) + " has more than 2^62 elements");
    }
  }
  int64_t n = elements(in);
  if (infer_at >= 0) {
    c.require(n % known == 0,
              "cannot reshape " + shape_string(in) + " to " + shape_string(l.target_shape));
    out[infer_at] = n / known;
  }
  c.require(elements(out) == n, "cannot reshape " + shape_string(in) + " (" + std::to_string(n) +
                                    " elements) to " + shape_string(out));
  return out;
}

Shape transpose(Layer& l, const ShapeChecker& c) {
  const Shape& in = l.input_shapes[0];
  c.require(l.perm.size() == in.size(), "perm must have " + std::to_string(in.size()) + " entries");
  std::vector<bool> seen(in.size(), false);
  Shape out;
  for (int64_t p : l.perm) {
    c.require(p >= 0 && p < static_cast<int64_t>(in.size()) && !seen[p],
              "perm must be a permutation of 0.." + std::to_string(in.size() - 1));
    seen[p] = true;
    out.push_back(in[p]);
  }
  return out;
}

}  // namespace op_rules
}  // namespace duet
