#include "sim/ifmap_halo.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace duet {
namespace {

using Interval = std::pair<int64_t, int64_t>;  // closed

struct ConvGeometry {
  int64_t h, w, ho, wo, sh, sw, top, left, reach_h, reach_w;

  explicit ConvGeometry(const Layer& l)
      : h(l.input_shapes[0][2]),
        w(l.input_shapes[0][3]),
        ho(l.output_shape[2]),
        wo(l.output_shape[3]),
        sh(l.stride[0]),
        sw(l.stride[1]),
        top(l.padding[0]),
        left(l.padding[1]),
        reach_h((l.kernel[0] - 1) * l.dilation[0] + 1),
        reach_w((l.kernel[1] - 1) * l.dilation[1] + 1) {}
};

// Merged, sorted column intervals that output pixels [q0, q1) of one image read in input row r
// (pixel indices relative to the image).
std::vector<Interval> columns_read(const ConvGeometry& g, int64_t q0, int64_t q1, int64_t r) {
  std::vector<Interval> cols;
  if (q0 >= q1) return cols;
  // Output rows whose window covers input row r.
  const int64_t first_row = std::max<int64_t>(0, (r + g.top - g.reach_h + g.sh) / g.sh);
  for (int64_t oh = first_row; oh < g.ho && oh * g.sh - g.top <= r; ++oh) {
    if (r > oh * g.sh - g.top + g.reach_h - 1) continue;
    const int64_t lo = std::max(q0, oh * g.wo), hi = std::min(q1, (oh + 1) * g.wo) - 1;
    if (lo > hi) continue;
    const int64_t c0 = std::max<int64_t>(0, (lo - oh * g.wo) * g.sw - g.left);
    const int64_t c1 = std::min(g.w - 1, (hi - oh * g.wo) * g.sw - g.left + g.reach_w - 1);
    if (c0 <= c1) cols.push_back({c0, c1});
  }
  std::sort(cols.begin(), cols.end());
  std::vector<Interval> merged;
  for (const Interval& c : cols) {
    if (!merged.empty() && c.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, c.second);
    } else {
      merged.push_back(c);
    }
  }
  return merged;
}

int64_t overlap(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  int64_t n = 0;
  for (const Interval& x : a)
    for (const Interval& y : b)
      n += std::max<int64_t>(0, std::min(x.second, y.second) - std::max(x.first, y.first) + 1);
  return n;
}

}  // namespace

int64_t ifmap_halo_positions(const Layer& conv, int64_t a0, int64_t p0, int64_t p1) {
  const ConvGeometry g(conv);
  const int64_t image = g.ho * g.wo;
  const int64_t start = p0 / image * image;
  if (p0 == start || a0 >= p0) return 0;
  // Pixel indices within p0's image.
  const int64_t q_a = std::max(a0, start) - start, q_p = p0 - start;
  const int64_t q_end = std::min(p1, start + image) - start;
  // Only input rows read by p0's output row and the rows before it can be shared.
  const int64_t last_a_row = (q_p - 1) / g.wo;
  const int64_t r_begin = std::max<int64_t>(0, (q_p / g.wo) * g.sh - g.top);
  const int64_t r_end = std::min(g.h - 1, last_a_row * g.sh - g.top + g.reach_h - 1);
  int64_t n = 0;
  for (int64_t r = r_begin; r <= r_end; ++r) {
    n += overlap(columns_read(g, q_a, q_p, r), columns_read(g, q_p, q_end, r));
  }
  return n;
}

}  // namespace duet
