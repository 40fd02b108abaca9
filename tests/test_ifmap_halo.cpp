// The ifmap halo a WS conv's stream chunk reloads: a worked example, and agreement with a
// brute-force count of the input positions both sides of a chunk boundary read.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <utility>

#include "sim/ifmap_halo.hpp"

namespace duet {
namespace {

Layer conv(int64_t h, int64_t w, int64_t k, int64_t s, int64_t pad) {
  Layer l;
  l.op = OpKind::kConv2d;
  l.kernel = {k, k};
  l.stride = {s, s};
  l.padding = {pad, pad, pad, pad};
  l.input_shapes = {{2, 4, h, w}};
  l.output_shape = {2, 8, (h + 2 * pad - k) / s + 1, (w + 2 * pad - k) / s + 1};
  return l;
}

// Input positions read by output pixels [q0, q1) of one image.
std::set<std::pair<int64_t, int64_t>> read_by(const Layer& l, int64_t q0, int64_t q1) {
  std::set<std::pair<int64_t, int64_t>> positions;
  const int64_t wo = l.output_shape[3];
  for (int64_t q = q0; q < q1; ++q) {
    for (int64_t i = 0; i < l.kernel[0]; ++i)
      for (int64_t j = 0; j < l.kernel[1]; ++j) {
        const int64_t r = q / wo * l.stride[0] - l.padding[0] + i;
        const int64_t c = q % wo * l.stride[1] - l.padding[1] + j;
        if (r >= 0 && r < l.input_shapes[0][2] && c >= 0 && c < l.input_shapes[0][3])
          positions.insert({r, c});
      }
  }
  return positions;
}

// 3x3, stride 1, padding 1 on 8x8: output rows 0-2 read input rows 0-3, output rows 3-7 read
// rows 2-7; they share rows 2 and 3, 16 positions.
TEST(IfmapHalo, ChunkOfWholeRows) {
  const Layer l = conv(8, 8, 3, 1, 1);
  EXPECT_EQ(ifmap_halo_positions(l, 0, 24, 64), 16);
  // A chunk that starts an image shares nothing with the previous image.
  EXPECT_EQ(ifmap_halo_positions(l, 40, 64, 100), 0);
  // 1x1 convs and strides as large as the kernel read disjoint windows.
  EXPECT_EQ(ifmap_halo_positions(conv(8, 8, 1, 1, 0), 0, 20, 40), 0);
  EXPECT_EQ(ifmap_halo_positions(conv(8, 8, 2, 2, 0), 0, 6, 16), 0);
}

TEST(IfmapHalo, AgreesWithBruteForce) {
  std::mt19937 rng(7);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int trial = 0; trial < 300; ++trial) {
    const int64_t k = pick(1, 5), s = pick(1, 3), pad = pick(0, k - 1);
    const int64_t h = pick(k, 12), w = pick(k, 12);
    const Layer l = conv(h, w, k, s, pad);
    const int64_t image = l.output_shape[2] * l.output_shape[3];
    const int64_t p0 = pick(1, 2 * image - 1), a0 = pick(0, p0 - 1), p1 = pick(p0 + 1, 2 * image);
    // Brute force within p0's image.
    const int64_t start = p0 / image * image;
    int64_t expected = 0;
    if (p0 != start) {
      const auto a = read_by(l, std::max(a0, start) - start, p0 - start);
      const auto b = read_by(l, p0 - start, std::min(p1, start + image) - start);
      for (const auto& position : a) expected += b.count(position);
    }
    EXPECT_EQ(ifmap_halo_positions(l, a0, p0, p1), expected)
        << "k=" << k << " s=" << s << " pad=" << pad << " " << h << "x" << w << " a0=" << a0
        << " p0=" << p0 << " p1=" << p1;
  }
}

}  // namespace
}  // namespace duet
