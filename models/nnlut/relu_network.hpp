#pragma once
// A one-hidden-layer ReLU network y = sum_i v_i relu(w_i x + b_i) + c, and its exact rewrite as a
// piecewise-linear table (NN-LUT, Yu et al., DAC 2022). Plain C++: the fitter trains it with
// libtorch, the conversion and its tests need no torch.
#include <vector>

#include "workloads/lut.hpp"

namespace duet {

struct ReluNetwork {
  std::vector<double> w, b, v;  // one entry per hidden neuron
  double c = 0;
  double operator()(double x) const;
};

// Breakpoints are the sorted kinks -b_i/w_i; each segment's slope and intercept are the sums
// of v_i w_i and v_i b_i over the neurons active inside it, plus c. Neurons with w_i = 0 are
// constants and fold into every segment they are active in. The result has exactly
// neurons + 1 entries (a constant neuron leaves an empty segment at the far right).
PiecewiseLinearLut network_to_lut(const ReluNetwork& net, LutFunction function);

}  // namespace duet
