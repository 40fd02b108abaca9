// Template body of measure_error (included by lut.hpp).
#include <algorithm>
#include <cmath>

namespace duet {

template <typename F>
ApproximationError measure_error(LutFunction f, F approx, double lo, double hi, int points,
                                 bool log_spaced) {
  ApproximationError e;
  for (int i = 0; i < points; ++i) {
    const double t = points == 1 ? 0.0 : static_cast<double>(i) / (points - 1);
    const double x = log_spaced ? lo * std::pow(hi / lo, t) : lo + (hi - lo) * t;
    const double exact = exact_function(f, x);
    const double abs = std::abs(approx(x) - exact);
    const double rel = abs / std::max(std::abs(exact), 1e-30);
    e.max_abs = std::max(e.max_abs, abs);
    e.max_rel = std::max(e.max_rel, rel);
    e.mean_abs += abs / points;
    e.mean_rel += rel / points;
  }
  return e;
}

}  // namespace duet
