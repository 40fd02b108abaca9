#pragma once
// PiecewiseLinearLut and I-BERT's approximations applied elementwise to torch tensors, for the
// accuracy study. Torch stays out of headers (models/CMakeLists.txt), so the tensor type is
// only declared here; callers are .cpp files that include torch themselves.
#include <vector>

#include "workloads/lut.hpp"

namespace at {
class Tensor;
}

namespace duet {

// Equals lut(x) for every element, bit for bit in double: the same range reduction, segment
// choice and output rounding as PiecewiseLinearLut::operator(). Computes in double and returns
// x's dtype.
at::Tensor apply_lut(const PiecewiseLinearLut& lut, const at::Tensor& x);

// Equals ibert_function(f, x) for every element (exact_function where I-BERT has no version).
at::Tensor apply_ibert(LutFunction f, const at::Tensor& x);

// The same on plain vectors, through a double (or float) tensor, so tests need no torch.
std::vector<double> apply_lut(const PiecewiseLinearLut& lut, const std::vector<double>& x);
std::vector<float> apply_lut(const PiecewiseLinearLut& lut, const std::vector<float>& x);
std::vector<double> apply_ibert(LutFunction f, const std::vector<double>& x);

}  // namespace duet
