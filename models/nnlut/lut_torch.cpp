#include "models/nnlut/lut_torch.hpp"

#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <limits>

namespace duet {
namespace {

constexpr double kFixedPointOne = 65536.0;  // Q15.16, as in lut.cpp

torch::Tensor as_tensor(const std::vector<double>& values) {
  return torch::tensor(values, torch::kDouble);
}

// 2^e for integer e in [-1022, 1023], built from the bit pattern so that it is exact (exp2 on
// vectorised paths need not be).
torch::Tensor power_of_two(const torch::Tensor& e) {
  return torch::bitwise_left_shift(e.clamp(-1022, 1023) + 1023, 52).view(torch::kDouble);
}

torch::Tensor exact_ldexp(const torch::Tensor& value, const torch::Tensor& exponent) {
  // Two exact power-of-two factors reach 2^+-2000 without overflowing the factor itself, and
  // value * 2^(e/2) is exact while it stays a normal number, so only the last multiply rounds,
  // as std::ldexp does.
  const torch::Tensor e = exponent.to(torch::kLong);
  const torch::Tensor first = torch::div(e, 2, "trunc");
  return value * power_of_two(first) * power_of_two(e - first);
}

torch::Tensor round_to_half_tensor(const torch::Tensor& x) {
  const torch::Tensor magnitude = x.abs();
  const torch::Tensor exponent = (std::get<1>(torch::frexp(magnitude)).to(torch::kLong) - 1)
                                     .clamp_min(-14);  // ilogb, floored at half's subnormals
  const torch::Tensor quantum = power_of_two(exponent - 10);
  torch::Tensor rounded = torch::copysign((magnitude / quantum).round() * quantum, x);
  rounded = torch::where(magnitude >= 65520.0, torch::copysign(torch::full_like(x, INFINITY), x),
                         rounded);
  return torch::where(x.isfinite().logical_and(x != 0), rounded, x);
}

// Independent ops in the order lut.cpp writes them: x86-64's baseline has no FMA, so each C++
// multiply and add rounds on its own, and so must these.
torch::Tensor segment_value(const PiecewiseLinearLut& lut, torch::Tensor x) {
  x = (lut.saturate ? x.clamp(lut.fit_lo, lut.fit_hi) : x).contiguous();  // for bucketize
  // right=true counts breakpoints <= x, which is std::upper_bound's index.
  const torch::Tensor segment =
      torch::bucketize(x, as_tensor(lut.breakpoints), /*out_int32=*/false, /*right=*/true);
  const torch::Tensor slope = as_tensor(lut.slopes).index_select(0, segment.flatten()).view_as(x);
  const torch::Tensor intercept =
      as_tensor(lut.intercepts).index_select(0, segment.flatten()).view_as(x);
  const torch::Tensor y = slope * x + intercept;
  switch (lut.precision) {
    case LutPrecision::kFp32:
      return y;
    case LutPrecision::kFp16:
      return round_to_half_tensor(y);
    case LutPrecision::kInt32: {
      const double limit = static_cast<double>(std::numeric_limits<int32_t>::max());
      return (y * kFixedPointOne).round().clamp(-limit, limit) / kFixedPointOne;
    }
  }
  return y;
}

// exp's range reduction, shared by the table and by i-exp: x = -z ln2 + p, p in (-ln2, 0];
// returns {p, z clamped as lut.cpp clamps it}.
std::pair<torch::Tensor, torch::Tensor> reduce_exp(const torch::Tensor& x) {
  const torch::Tensor xm = x.clamp_max(0.0);
  const torch::Tensor z = (xm.neg() / M_LN2).floor();
  const torch::Tensor p = xm + z * M_LN2;
  return {p, z.clamp_max(1100.0).to(torch::kLong)};
}

torch::Tensor exact_torch(LutFunction f, const torch::Tensor& x) {
  switch (f) {
    case LutFunction::kGelu:
      return torch::gelu(x);
    case LutFunction::kExp:
      return x.exp();
    case LutFunction::kReciprocal:
      return x.reciprocal();
    case LutFunction::kRsqrt:
      return x.rsqrt();
    case LutFunction::kSilu:
      return torch::silu(x);
    case LutFunction::kSigmoid:
      return x.sigmoid();
    case LutFunction::kTanh:
      return x.tanh();
  }
  return x;
}

}  // namespace

torch::Tensor apply_lut(const PiecewiseLinearLut& lut, const torch::Tensor& input) {
  const torch::Tensor x = input.to(torch::kDouble);
  torch::Tensor y;
  switch (lut.scaling) {
    case LutScaling::kNone:
      y = segment_value(lut, x);
      break;
    case LutScaling::kExp: {
      auto [p, z] = reduce_exp(x);
      y = exact_ldexp(segment_value(lut, p), z.neg());
      break;
    }
    case LutScaling::kPow2: {
      auto [fraction, k] = torch::frexp(x.abs());
      const torch::Tensor shift = 1 - k.to(torch::kLong);  // |x| = m 2^(k-1), m in [1, 2)
      y = torch::copysign(exact_ldexp(segment_value(lut, 2.0 * fraction), shift), x);
      y = torch::where(x == 0, torch::copysign(torch::full_like(x, INFINITY), x), y);
      break;
    }
    case LutScaling::kPow4: {
      const torch::Tensor k = std::get<1>(torch::frexp(x)).to(torch::kLong);
      const torch::Tensor half = torch::div(k - 1, 2, "floor");  // x = m 4^half, m in [1, 4)
      const torch::Tensor m = exact_ldexp(x, -2 * half);
      y = exact_ldexp(segment_value(lut, m), half.neg());
      // LayerNorm adds epsilon, so x > 0 there; anything else (NaN too) is infinite.
      y = torch::where(x > 0, y, torch::full_like(x, INFINITY));
      break;
    }
  }
  return y.to(input.scalar_type());
}

torch::Tensor apply_ibert(LutFunction f, const torch::Tensor& input) {
  const torch::Tensor x = input.to(torch::kDouble);
  torch::Tensor y;
  switch (f) {
    case LutFunction::kGelu: {
      const double a = -0.2888, b = -1.769;
      const torch::Tensor u = x / std::sqrt(2.0);
      const torch::Tensor clipped = u.abs().clamp_max(-b) + b;
      const torch::Tensor erf = torch::copysign(a * (clipped * clipped) + 1.0, u);
      y = 0.5 * x * (1.0 + erf);
      break;
    }
    case LutFunction::kExp: {
      auto [p, z] = reduce_exp(x);
      const torch::Tensor shifted = p + 1.353;
      y = exact_ldexp(0.3585 * shifted * shifted + 0.344, z.neg());
      break;
    }
    case LutFunction::kRsqrt: {
      // i-sqrt on Q15.16 input; the float sqrt is only the starting point, the integer
      // corrections make r = floor(sqrt(n)) exactly, like the integer Newton iteration.
      // INT32 saturates, as in lut.cpp's ibert_rsqrt.
      const torch::Tensor n_real = (x * kFixedPointOne).floor().clamp_max(2147483647.0);
      const torch::Tensor valid = n_real >= 1;
      const torch::Tensor n =
          torch::where(valid, n_real, torch::ones_like(n_real)).to(torch::kLong);
      torch::Tensor r = n.to(torch::kDouble).sqrt().floor().to(torch::kLong);
      r = r - (r * r > n).to(torch::kLong);
      r = r + ((r + 1) * (r + 1) <= n).to(torch::kLong);
      y = torch::where(valid, 256.0 / r.to(torch::kDouble), torch::full_like(x, INFINITY));
      break;
    }
    default:
      y = exact_torch(f, x);
      break;
  }
  return y.to(input.scalar_type());
}

namespace {

template <typename T>
std::vector<T> through_tensor(const std::vector<T>& x,
                              const std::function<torch::Tensor(const torch::Tensor&)>& f) {
  const torch::Tensor in = torch::tensor(x, torch::CppTypeToScalarType<T>::value);
  const torch::Tensor out = f(in).contiguous();
  return std::vector<T>(out.data_ptr<T>(), out.data_ptr<T>() + out.numel());
}

}  // namespace

std::vector<double> apply_lut(const PiecewiseLinearLut& lut, const std::vector<double>& x) {
  return through_tensor<double>(x, [&](const torch::Tensor& t) { return apply_lut(lut, t); });
}

std::vector<float> apply_lut(const PiecewiseLinearLut& lut, const std::vector<float>& x) {
  return through_tensor<float>(x, [&](const torch::Tensor& t) { return apply_lut(lut, t); });
}

std::vector<double> apply_ibert(LutFunction f, const std::vector<double>& x) {
  return through_tensor<double>(x, [&](const torch::Tensor& t) { return apply_ibert(f, t); });
}

}  // namespace duet
