#pragma once
// Evaluator training data: simulate search-space samples and write them as CSV rows, in
// parallel worker processes (SystemC is one kernel per process), resumable, shardable.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/dse/search_space.hpp"

namespace duet {

// Bumped whenever the simulator's numbers change, so datasets can be told apart.
inline constexpr const char* kSimulatorVersion = "duet-sim-2";

// Samples of one run: the pending indices are held in memory (8 bytes each).
inline constexpr int64_t kMaxDatasetSamples = 100'000'000;

struct DatasetOptions {
  std::string space_path;
  std::string out_path;
  int64_t samples = 1000;
  uint64_t seed = 0;
  int jobs = 1;
  int shard = 0;  // this run computes indices i with i % shards == shard
  int shards = 1;
  bool resume = false;
  // With `resume`, rows of this finished dataset are reused too (MPI ranks write their shard to
  // a file of their own but can resume from the gathered output).
  std::string resume_from;
  // (finished, total) every few samples; for progress bars.
  std::function<void(int64_t, int64_t)> progress;
};

struct DatasetSummary {
  int64_t rows = 0;      // rows in the output
  int64_t computed = 0;  // simulated by this run (the rest came from a resumed run)
  int64_t invalid = 0;   // samples whose config could not run (recorded with their error)
  double seconds = 0;
};

std::vector<std::string> dataset_header(const SearchSpace& space);
// One CSV row for sample `index` (simulates it).
std::string dataset_row(const SearchSpace& space, uint64_t seed, int64_t index);
// One CSV row for any design of the space (simulates it); its index is `sample.index`.
std::string dataset_row_for(const SearchSpace& space, const Sample& sample);

DatasetSummary generate_dataset(const DatasetOptions& options);
// Joins shard files (same header) into one, ordered by index; duplicates must agree.
int64_t merge_datasets(const std::vector<std::string>& inputs, const std::string& out_path);

}  // namespace duet
