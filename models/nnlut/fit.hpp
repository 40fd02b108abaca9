#pragma once
// Training NN-LUT approximators with libtorch.
#include <cstdint>
#include <functional>

#include "models/nnlut/relu_network.hpp"
#include "workloads/lut.hpp"

namespace duet {

struct FitOptions {
  LutFunction function = LutFunction::kGelu;
  int entries = 16;
  LutPrecision precision = LutPrecision::kFp32;
  uint64_t seed = 0;
  int steps = 4000;
  int samples = 4096;
  // Called every few steps with (step, loss); for progress bars.
  std::function<void(int, double)> progress;
};

struct FitResult {
  ReluNetwork network;     // the trained network (before quantization)
  PiecewiseLinearLut lut;  // its exact conversion, quantized to the precision, with fit stats
};

FitResult fit_lut(const FitOptions& options);

}  // namespace duet
