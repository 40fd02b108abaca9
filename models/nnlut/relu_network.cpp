#include "models/nnlut/relu_network.hpp"

#include <algorithm>
#include <numeric>

namespace duet {

double ReluNetwork::operator()(double x) const {
  double y = c;
  for (std::size_t i = 0; i < w.size(); ++i) y += v[i] * std::max(0.0, w[i] * x + b[i]);
  return y;
}

PiecewiseLinearLut network_to_lut(const ReluNetwork& net, LutFunction function) {
  // Neurons with a kink, ordered by it; constant neurons (w = 0) only shift the output.
  std::vector<std::size_t> kinked;
  double constant = net.c;
  for (std::size_t i = 0; i < net.w.size(); ++i) {
    if (net.w[i] != 0.0) {
      kinked.push_back(i);
    } else {
      constant += net.v[i] * std::max(0.0, net.b[i]);
    }
  }
  auto kink = [&](std::size_t i) { return -net.b[i] / net.w[i]; };
  std::sort(kinked.begin(), kinked.end(),
            [&](std::size_t a, std::size_t b) { return kink(a) < kink(b); });

  PiecewiseLinearLut lut;
  lut.function = function;
  lut.scaling = default_scaling(function);
  std::tie(lut.fit_lo, lut.fit_hi) = fit_interval(function);
  lut.saturate = default_saturate(function);
  for (std::size_t i : kinked) lut.breakpoints.push_back(kink(i));
  // Segment s lies right of the first s kinks: a rising neuron (w > 0) is active there when its
  // kink is among them, a falling one (w < 0) when it is not.
  for (std::size_t s = 0; s <= kinked.size(); ++s) {
    double slope = 0, intercept = constant;
    for (std::size_t j = 0; j < kinked.size(); ++j) {
      const std::size_t i = kinked[j];
      const bool active = net.w[i] > 0 ? j < s : j >= s;
      if (active) {
        slope += net.v[i] * net.w[i];
        intercept += net.v[i] * net.b[i];
      }
    }
    lut.slopes.push_back(slope);
    lut.intercepts.push_back(intercept);
  }
  // Constant neurons still count as entries: repeat the last segment with an empty range.
  while (lut.breakpoints.size() + 1 < net.w.size() + 1) {
    lut.breakpoints.push_back(lut.breakpoints.empty() ? lut.fit_hi : lut.breakpoints.back());
    lut.slopes.push_back(lut.slopes.back());
    lut.intercepts.push_back(lut.intercepts.back());
  }
  return lut;
}

}  // namespace duet
