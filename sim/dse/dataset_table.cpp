#include "sim/dse/dataset_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>

#include "sim/dse/dataset.hpp"
#include "workloads/input_error.hpp"
#include "workloads/input_file.hpp"

namespace duet {
namespace {

// The choice index of `text` among a hardware dimension's values. Numbers are compared as
// numbers, so "6.4" and "6.40" are the same choice.
int hardware_choice(const HardwareDimension& dim, const std::string& text) {
  for (std::size_t i = 0; i < dim.values.size(); ++i) {
    const Json& v = dim.values[i];
    if (v.is_string()) {
      if (v.get<std::string>() == text) return static_cast<int>(i);
      continue;
    }
    char* end = nullptr;
    const double x = std::strtod(text.c_str(), &end);
    if (end != text.c_str() && *end == '\0' &&
        std::fabs(x - v.get<double>()) <= 1e-9 * std::max(1.0, std::fabs(x))) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

double parse_positive(const std::string& text, const std::string& where) {
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(x > 0) || !std::isfinite(x)) {
    throw InputError(where + ": expected a positive number, got \"" + text + "\"");
  }
  return x;
}

}  // namespace

namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;

uint64_t fnv1a64(uint64_t hash, const char* data, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i)
    hash = (hash ^ static_cast<unsigned char>(data[i])) * 0x100000001b3ULL;
  return hash;
}

std::string hex64(uint64_t hash) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

}  // namespace

FileFingerprint file_fingerprint(const std::string& path) {
  std::ifstream in = open_input_file(path, kMaxDataInputBytes);
  uint64_t hash = kFnvOffset;
  FileFingerprint f;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    hash = fnv1a64(hash, buffer, static_cast<std::size_t>(in.gcount()));
    f.bytes += in.gcount();
  }
  f.fnv1a64 = hex64(hash);
  return f;
}

std::string fnv1a64_hex(const std::string& bytes) {
  return hex64(fnv1a64(kFnvOffset, bytes.data(), bytes.size()));
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

DatasetTable read_dataset_table(const std::string& path, const SearchSpace& space) {
  std::ifstream in = open_input_file(path, kMaxDataInputBytes, std::ios::in);
  std::string line;
  if (!std::getline(in, line)) throw InputError(path + ": empty file (expected a CSV header)");
  const std::vector<std::string> expected = dataset_header(space);
  const std::vector<std::string> header = split_csv_line(line);
  for (std::size_t c = 0; c < std::max(header.size(), expected.size()); ++c) {
    const std::string got = c < header.size() ? header[c] : "(nothing)";
    const std::string want = c < expected.size() ? expected[c] : "(nothing)";
    if (got != want) {
      throw InputError(path + ": line 1: column " + std::to_string(c + 1) + " is \"" + got +
                       "\" but the space " + space.path + " expects \"" + want +
                       "\"; the dataset was generated from a different space (expected columns: " +
                       join_list(expected) + ")");
    }
  }
  auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(expected.begin(), expected.end(), name) -
                                    expected.begin());
  };
  const std::size_t first_hw = column("status") + 1;
  const std::size_t first_block = first_hw + space.hardware.size();
  const std::size_t version_column = column("simulator_version");
  const std::size_t schedule_column = column("schedule");

  DatasetTable table;
  std::set<int64_t> seen;
  for (int64_t line_no = 2; std::getline(in, line); ++line_no) {
    if (line.empty()) continue;
    const std::string where = path + ": line " + std::to_string(line_no);
    const std::vector<std::string> fields = split_csv_line(line);
    if (fields.size() != expected.size()) {
      throw InputError(where + ": " + std::to_string(fields.size()) + " fields, the header has " +
                       std::to_string(expected.size()));
    }
    if (table.simulator_version.empty()) {
      table.simulator_version = fields[version_column];
      table.schedule = fields[schedule_column];
    }
    Sample sample;
    std::size_t used = 0;
    try {
      sample.index = std::stoll(fields[0], &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (fields[0].empty() || used != fields[0].size() || sample.index < 0)
      throw InputError(where + ": index \"" + fields[0] + "\" is not a non-negative integer");
    // A sample counted twice would weigh twice in training and could sit on both sides of the
    // held-out split.
    if (!seen.insert(sample.index).second)
      throw InputError(where + ": sample index " + fields[0] + " appears twice (each sample once)");
    if (fields[1] == "invalid") {
      ++table.invalid_rows;
      continue;
    }
    if (fields[1] != "ok") {
      throw InputError(where + ": status \"" + fields[1] + "\" (allowed: ok, invalid)");
    }
    for (std::size_t d = 0; d < space.hardware.size(); ++d) {
      const int choice = hardware_choice(space.hardware[d], fields[first_hw + d]);
      if (choice < 0) {
        throw InputError(where + ": " + expected[first_hw + d] + " = \"" + fields[first_hw + d] +
                         "\" is not one of the space's values " +
                         Json(space.hardware[d].values).dump());
      }
      sample.hardware.push_back(choice);
    }
    for (std::size_t b = 0; b < space.network.blocks.size(); ++b) {
      const auto& options = space.network.blocks[b].options;
      const std::string& text = fields[first_block + b];
      const auto it = std::find(options.begin(), options.end(), text);
      if (it == options.end()) {
        throw InputError(where + ": " + expected[first_block + b] + " = \"" + text +
                         "\" is not one of the space's options (" + join_list(options) + ")");
      }
      sample.blocks.push_back(static_cast<int>(it - options.begin()));
    }
    std::array<double, 4> target{};
    for (std::size_t t = 0; t < kDatasetTargets.size(); ++t) {
      const std::size_t c = column(kDatasetTargets[t]);
      target[t] = parse_positive(fields[c], where + ": " + expected[c]);
    }
    table.samples.push_back(std::move(sample));
    table.targets.push_back(target);
  }
  return table;
}

}  // namespace duet
