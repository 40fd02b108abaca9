#pragma once
// Fashion-MNIST as normalised tensors with a deterministic train/validation split, over
// load_fashion_mnist. The tensor functions are for models/*.cpp (which include torch); the
// split itself is plain C++.
#include <cstdint>
#include <string>

#include "models/data/fashion_mnist.hpp"

namespace at {
class Tensor;
}

namespace duet {

struct SplitOptions {
  int64_t validation = 5000;  // images held out of the training file
  int64_t train_limit = -1;   // training images after the hold-out (< 0: all the rest)
  int64_t test_limit = -1;    // first images of the test file (< 0: all 10000)
  // The split's own seed, apart from the training seed, so that every model trained on the
  // same split (a teacher and its students) has never seen the validation images.
  uint64_t split_seed = 0;
};

struct DataSplit {
  ImageSet train, validation, test;
  double mean = 0, std = 1;  // of the training images' pixels in [0, 1]
};

// Throws InputError for bad limits or missing/corrupt files.
DataSplit load_split(const std::string& dir, const SplitOptions& options);

// float [n, 1, rows, cols]: (pixel / 255 - mean) / std.
at::Tensor normalised_images(const ImageSet& set, double mean, double std);
// int64 [n].
at::Tensor label_tensor(const ImageSet& set);

}  // namespace duet
