#pragma once
// Reading a dataset written by `duet dataset` back as samples and targets, checked against the
// search space it claims to come from (the evaluator trains and tests on these).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/dse/search_space.hpp"

namespace duet {

// The evaluator's targets, in this order.
inline constexpr std::array<const char*, 4> kDatasetTargets = {"latency_s", "energy_j", "area_mm2",
                                                               "avg_power_w"};

struct DatasetTable {
  std::vector<Sample> samples;                 // rows with status "ok", in file order
  std::vector<std::array<double, 4>> targets;  // per sample, in kDatasetTargets order
  int64_t invalid_rows = 0;                    // status "invalid": recorded, not trained on
  std::string simulator_version;               // of the first row ("" if no rows)
  std::string schedule;                        // the simulator's schedule, of the first row
};

// Throws InputError naming the file, and the line or column, when the columns do not match
// the space, a value is not one of the space's choices, or a number does not parse.
DatasetTable read_dataset_table(const std::string& path, const SearchSpace& space);

// Size and FNV-1a 64-bit hash (hex) of a file, so a model can name the exact data it saw.
struct FileFingerprint {
  int64_t bytes = 0;
  std::string fnv1a64;
};
FileFingerprint file_fingerprint(const std::string& path);
// FNV-1a 64 of `bytes`, as 16 hex digits (a check against corruption and edits, not tampering).
std::string fnv1a64_hex(const std::string& bytes);

// Splits one CSV line into fields (double-quoted fields may hold commas and "" escapes).
std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace duet
