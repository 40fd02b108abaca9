#include "cli/dataset_mpi.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "cli/mpi_ranks.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

#ifdef DUET_HAVE_MPI
#include <mpi.h>
#endif

namespace duet::cli {
namespace {

void run_in_one_process(DatasetOptions o, const DatasetReporting& reporting) {
  o.progress = reporting.progress;
  reporting.summary(generate_dataset(o), 1);
}

}  // namespace

#ifndef DUET_HAVE_MPI

int generate_dataset_on_ranks(DatasetOptions o, bool, const DatasetReporting& reporting) {
  const int size = mpi_launcher_size(), rank = mpi_launcher_rank();
  if (size <= 1 && rank <= 0) {
    run_in_one_process(o, reporting);
    return 0;
  }
  // Each rank would otherwise compute every sample into the same files. Rank 0 explains, and
  // its exit code is the launcher's.
  if (rank > 0) return 0;
  throw InputError(
      "started by an MPI launcher with several ranks, but this duet was built without MPI "
      "(install libopenmpi-dev and rebuild); or run `duet dataset --shard K/N` once per process "
      "and join the shards with `duet dataset merge`");
}

#else

namespace {

std::string rank_path(const std::string& out, int rank, int size) {
  return out + ".rank" + std::to_string(rank) + "-of-" + std::to_string(size);
}

int64_t lines_in(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return 0;
  std::ifstream in(path, std::ios::binary);
  char buffer[1 << 16];
  int64_t lines = 0;
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    lines += std::count(buffer, buffer + in.gcount(), '\n');
  }
  return lines;
}

// Rows a rank has on disk: its part files while it runs, then its finished file (header + rows).
int64_t rows_on_disk(const std::string& rank_out) {
  const std::filesystem::path dir = std::filesystem::path(rank_out).parent_path();
  const std::string prefix = std::filesystem::path(rank_out).filename().string() + ".part";
  int64_t rows = 0;
  bool parts = false;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator(dir.empty() ? "." : dir.string(), error)) {
    if (entry.path().filename().string().rfind(prefix, 0) != 0) continue;
    parts = true;
    rows += lines_in(entry.path().string());
  }
  if (parts) return rows;
  return std::filesystem::exists(rank_out, error) ? std::max<int64_t>(0, lines_in(rank_out) - 1)
                                                  : 0;
}

}  // namespace

int generate_dataset_on_ranks(DatasetOptions o, bool shard_given,
                              const DatasetReporting& reporting) {
  const auto start = std::chrono::steady_clock::now();
  MpiSession mpi;
  if (mpi.size() == 1) {
    run_in_one_process(o, reporting);
    return 0;
  }
  std::vector<std::string> files;
  for (int r = 0; r < mpi.size(); ++r) files.push_back(rank_path(o.out_path, r, mpi.size()));
  // Counts every rank's rows, so the bar is the whole run's. Only a display: a file that cannot
  // be read (the run reports it) must not stop the run.
  auto progress = [&] {
    if (mpi.rank() != 0 || !reporting.progress) return;
    try {
      int64_t done = 0;
      for (const auto& file : files) done += rows_on_disk(file);
      reporting.progress(std::min(done, o.samples), o.samples);
    } catch (const std::exception&) {
    }
  };

  // From here on every rank takes part in every collective call, whatever fails, so no rank
  // waits for one that gave up.
  std::string error;
  DatasetSummary mine;
  if (shard_given) {
    error =
        "--shard cannot be combined with MPI ranks, which are the shards already; use one "
        "or the other";
  } else {
    try {
      DatasetOptions r = o;
      r.out_path = files[mpi.rank()];
      r.shard = mpi.rank();
      r.shards = mpi.size();
      r.resume_from = o.out_path;
      if (mpi.rank() == 0) r.progress = [&](int64_t, int64_t) { progress(); };
      std::error_code ignored;  // a file in the way fails the final write, with a clear message
      if (!o.resume) std::filesystem::remove(r.out_path, ignored);  // progress starts at 0
      mine = generate_dataset(r);
    } catch (const std::exception& e) {
      error = exception_text(e);
    }
  }
  wait_for_all_ranks(progress);
  const std::vector<std::string> errors = gather_errors(mpi, error);
  int64_t counts[2] = {mine.computed, mine.invalid}, totals[2] = {0, 0};
  MPI_Reduce(counts, totals, 2, MPI_INT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
  // Rank 0 reports every rank's error and its exit code becomes the launcher's. Another rank
  // exiting non-zero first would make the launcher kill rank 0 before it could say why.
  if (mpi.rank() != 0) return 0;
  if (std::any_of(errors.begin(), errors.end(), [](const auto& e) { return !e.empty(); })) {
    throw InputError(describe_rank_errors(errors));
  }

  for (const auto& file : files) {
    if (!std::filesystem::exists(file)) {
      throw InputError(file +
                       ": not found; rank 0 merges every rank's file next to --out, so --out "
                       "must be on a file system all ranks share");
    }
  }
  DatasetSummary summary;
  summary.rows = merge_datasets(files, o.out_path);
  std::error_code ignored;  // a leftover file is harmless: the next run replaces it
  for (const auto& file : files) std::filesystem::remove(file, ignored);
  summary.computed = totals[0];
  summary.invalid = totals[1];
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (reporting.progress) reporting.progress(o.samples, o.samples);
  reporting.summary(summary, mpi.size());
  return 0;
}

#endif

}  // namespace duet::cli
