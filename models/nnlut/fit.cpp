// Fitting an NN-LUT approximator: a one-hidden-layer ReLU network with entries - 1 neurons,
// trained with Adam (Yu et al., DAC 2022), then rewritten exactly as a table.
//
// Initialisation matters for a 15-neuron network. Kinks start where a minimax piecewise-linear
// fit wants them (density proportional to sqrt|f''|), all facing the same way so the segment
// with no active neuron -- which is constant -- sits at the flatter end of the interval. The
// output layer then starts at its least-squares optimum. Training runs an MSE phase, then an
// L^8 phase that pulls down the largest errors (the targets are max errors). 1/x and
// 1/sqrt(x) are trained on relative error, as their targets are relative.
#include "models/nnlut/fit.hpp"

#include <torch/torch.h>

#include <cmath>

namespace duet {
namespace {

double second_derivative(LutFunction f, double x, double h) {
  return (exact_function(f, x + h) - 2 * exact_function(f, x) + exact_function(f, x - h)) / (h * h);
}

double first_derivative(LutFunction f, double x, double h) {
  return (exact_function(f, x + h) - exact_function(f, x - h)) / (2 * h);
}

// Kink positions at equal steps of the cumulative sqrt|f''| density.
std::vector<double> initial_kinks(LutFunction f, double lo, double hi, int kinks) {
  const int grid = 4096;
  const double h = (hi - lo) / grid;
  std::vector<double> cumulative(grid + 1, 0.0);
  for (int i = 1; i <= grid; ++i) {
    const double x = lo + (i - 0.5) * h;
    cumulative[i] = cumulative[i - 1] + std::sqrt(std::abs(second_derivative(f, x, h))) + 1e-3;
  }
  std::vector<double> out;
  for (int k = 1; k <= kinks; ++k) {
    const double target = cumulative[grid] * k / (kinks + 1);
    const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), target);
    out.push_back(lo + (it - cumulative.begin()) * h);
  }
  return out;
}

bool relative_error(LutFunction f) {
  return f == LutFunction::kReciprocal || f == LutFunction::kRsqrt;
}

}  // namespace

FitResult fit_lut(const FitOptions& options) {
  torch::manual_seed(options.seed);
  const LutFunction f = options.function;
  const auto [lo, hi] = fit_interval(f);
  const int neurons = options.entries - 1;

  // Training points: an even grid over the interval plus seeded jitter, so the fit sees every
  // segment and the seed changes the run.
  auto x = torch::linspace(lo, hi, options.samples, torch::kFloat64);
  x = (x + (torch::rand({options.samples}, torch::kFloat64) - 0.5) * (hi - lo) / options.samples)
          .clamp(lo, hi)
          .unsqueeze(1);
  std::vector<double> target_values(options.samples);
  auto x_acc = x.accessor<double, 2>();
  for (int i = 0; i < options.samples; ++i) target_values[i] = exact_function(f, x_acc[i][0]);
  auto y = torch::from_blob(target_values.data(), {options.samples, 1}, torch::kFloat64).clone();
  auto scale = relative_error(f) ? y.abs() : torch::ones_like(y);

  const double h = (hi - lo) * 1e-4;
  const double direction =
      std::abs(first_derivative(f, lo + h, h)) <= std::abs(first_derivative(f, hi - h, h)) ? 1.0
                                                                                           : -1.0;
  const auto kinks = initial_kinks(f, lo, hi, neurons);
  auto w = torch::full({neurons}, direction, torch::kFloat64);
  auto b = -w * torch::tensor(kinks, torch::kFloat64);

  // Least-squares output layer for the initial kinks.
  auto hidden = torch::relu(x * w + b);
  auto design = torch::cat({hidden, torch::ones({options.samples, 1}, torch::kFloat64)}, 1) / scale;
  auto gram = design.t().mm(design) + 1e-9 * torch::eye(neurons + 1, torch::kFloat64);
  auto solution = torch::linalg_solve(gram, design.t().mm(y / scale)).squeeze(1);
  auto v = solution.slice(0, 0, neurons).clone();
  auto c = solution.slice(0, neurons).clone();

  w.set_requires_grad(true);
  b.set_requires_grad(true);
  v.set_requires_grad(true);
  c.set_requires_grad(true);
  torch::optim::Adam optimizer({w, b, v, c}, torch::optim::AdamOptions(1e-3));
  const int mse_steps = options.steps / 2;
  for (int step = 0; step < options.steps; ++step) {
    // Decay the step size so the final iterates settle.
    const double lr = 1e-3 * (0.05 + 0.95 * 0.5 * (1 + std::cos(M_PI * step / options.steps)));
    for (auto& group : optimizer.param_groups()) {
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    }
    optimizer.zero_grad();
    auto error = ((torch::relu(x * w + b) * v).sum(1, true) + c - y) / scale;
    auto loss = step < mse_steps ? error.pow(2).mean()
                                 : error.pow(8).mean().pow(1.0 / 8) * 1e-1 + error.pow(2).mean();
    loss.backward();
    optimizer.step();
    if (options.progress && (step % 50 == 0 || step + 1 == options.steps)) {
      options.progress(step + 1, loss.item<double>());
    }
  }

  FitResult result;
  auto to_vector = [](const torch::Tensor& t) {
    auto d = t.detach().contiguous();
    return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
  };
  result.network.w = to_vector(w);
  result.network.b = to_vector(b);
  result.network.v = to_vector(v);
  result.network.c = c.item<double>();
  result.lut = quantized(network_to_lut(result.network, f), options.precision);
  return result;
}

}  // namespace duet
