#include "sim/dse/design_batch.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/dse/dataset.hpp"
#include "sim/dse/dataset_table.hpp"
#include "sim/dse/worker_processes.hpp"
#include "workloads/input_error.hpp"

namespace duet {
namespace {

namespace fs = std::filesystem;

// Reads one dataset row back (columns: index, status, one per dimension and block, macs,
// cycles, latency_s, energy_j, avg_power_w, area_mm2, schedule, simulator_version, error).
DesignResult parse_row(const SearchSpace& space, const std::string& row) {
  const std::vector<std::string> f = split_csv_line(row);
  const std::size_t at = 2 + space.hardware.size() + space.network.blocks.size();
  DesignResult r;
  r.row = row;
  r.ok = f.at(1) == "ok";
  if (r.ok) {
    r.latency_s = std::stod(f.at(at + 2));
    r.energy_j = std::stod(f.at(at + 3));
    r.avg_power_w = std::stod(f.at(at + 4));
    r.area_mm2 = std::stod(f.at(at + 5));
  } else {
    r.error = f.at(at + 8);
  }
  return r;
}

}  // namespace

std::vector<DesignResult> simulate_designs(const SearchSpace& space,
                                           const std::vector<Sample>& designs, int jobs,
                                           const std::function<void(int64_t, int64_t)>& progress) {
  if (jobs < 1) throw InputError("simulate_designs: jobs must be >= 1");
  const int64_t n = static_cast<int64_t>(designs.size());
  auto row_of = [&](int64_t i) {
    Sample s = designs[i];
    s.index = i;
    return dataset_row_for(space, s);
  };
  std::vector<DesignResult> results;
  const int workers = static_cast<int>(std::min<int64_t>(jobs, n));
  if (workers <= 1) {
    for (int64_t i = 0; i < n; ++i) {
      results.push_back(parse_row(space, row_of(i)));
      if (progress) progress(i + 1, n);
    }
    return results;
  }
  // Each worker writes its rows to a file of its own, one flushed line per design.
  const fs::path dir =
      fs::temp_directory_path() / ("duet-designs-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(reinterpret_cast<std::uintptr_t>(&results)));
  std::error_code made;
  fs::create_directories(dir, made);
  if (made) throw InputError(dir.string() + ": cannot create (" + made.message() + ")");
  auto file = [&](int w) { return (dir / ("worker-" + std::to_string(w))).string(); };
  std::vector<std::string> rows(n);
  try {
    const int failed = run_worker_processes(
        workers,
        [&](int w) {
          FILE* out = std::fopen(file(w).c_str(), "w");
          if (!out) throw InputError(file(w) + ": cannot write");
          for (int64_t i = w; i < n; i += workers) {
            const std::string line = row_of(i) + "\n";
            if (std::fwrite(line.data(), 1, line.size(), out) != line.size() ||
                std::fflush(out) != 0) {
              throw InputError(file(w) + ": write failed (disk full?)");
            }
          }
          return std::fclose(out) == 0 ? 0 : 2;
        },
        [&] {
          if (!progress) return;
          int64_t done = 0;
          for (int w = 0; w < workers; ++w)
            done += static_cast<int64_t>(complete_lines(file(w)).size());
          progress(std::min(done, n), n);
        });
    if (failed) throw InputError(std::to_string(failed) + " simulation worker(s) failed");
    for (int w = 0; w < workers; ++w) {
      for (const std::string& line : complete_lines(file(w))) {
        const int64_t index = std::stoll(line.substr(0, line.find(',')));
        if (index < 0 || index >= n) throw InputError(file(w) + ": unexpected row " + line);
        rows[index] = line;
      }
    }
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    throw;
  }
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  for (int64_t i = 0; i < n; ++i) {
    if (rows[i].empty())
      throw InputError("simulate_designs: no result for design " + std::to_string(i));
    results.push_back(parse_row(space, rows[i]));
  }
  if (progress) progress(n, n);
  return results;
}

}  // namespace duet
