#pragma once
// Fashion-MNIST from the Debian package dataset-fashion-mnist (IDX files, gzip-compressed).
#include <cstdint>
#include <string>
#include <vector>

namespace duet {

struct ImageSet {
  int64_t count = 0;
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<uint8_t> pixels;  // count * rows * cols, row-major
  std::vector<uint8_t> labels;  // count, 0..9
};

// Where the Debian package puts the files; DUET_FASHION_MNIST overrides it.
std::string fashion_mnist_dir();
// `limit` < 0 loads everything. Throws InputError naming the file for missing or corrupt data.
ImageSet load_fashion_mnist(const std::string& dir, bool train, int64_t limit = -1);

}  // namespace duet
