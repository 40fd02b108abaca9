#pragma once
// The NN-LUT accuracy study: a small Vision Transformer trained on Fashion-MNIST, evaluated with
// exact non-linear ops, NN-LUT tables and I-BERT's approximations (docs/nnlut.md).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace duet {

struct AccuracyOptions {
  std::string data_dir;      // Fashion-MNIST IDX files
  std::string luts_dir;      // shipped tables: <function>-<entries>.json
  std::string cache_path;    // trained weights; reused when present and matching the options
  int64_t train_limit = -1;  // images; < 0: all
  int64_t test_limit = -1;
  int epochs = 8;
  uint64_t seed = 0;
  std::vector<int> entries = {8, 16, 32};
  std::vector<std::string> precisions = {"fp32", "fp16", "int32"};
  std::function<void(const std::string&, int64_t, int64_t)> progress;  // (stage, done, total)
};

struct AccuracyRow {
  std::string method;     // exact, nnlut, ibert
  int entries = 0;        // 0 for exact and ibert
  std::string precision;  // "" for exact and ibert
  double accuracy = 0;    // test accuracy in [0, 1]
};

struct AccuracyStudy {
  std::vector<AccuracyRow> rows;
  int64_t train_images = 0;
  int64_t test_images = 0;
  bool loaded_from_cache = false;
};

AccuracyStudy run_accuracy_study(const AccuracyOptions& options);

}  // namespace duet
