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

#include "workloads/input_error.hpp"

#ifdef DUET_HAVE_MPI
#include <mpi.h>
#endif

namespace duet::cli {
namespace {

// The first of `names` that holds a non-negative number, or -1.
int environment_number(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* value = std::getenv(name);
    if (!value || !*value) continue;
    char* end = nullptr;
    const long n = std::strtol(value, &end, 10);
    if (*end == '\0' && n >= 0) return static_cast<int>(n);
  }
  return -1;
}

// Open MPI's mpirun, PMI launchers (MPICH's hydra, Intel MPI, srun --mpi=pmi2) and PMIx ones
// (srun --mpi=pmix) each set one of these.
int launcher_size() { return environment_number({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}); }

void run_in_one_process(DatasetOptions o, const DatasetReporting& reporting) {
  o.progress = reporting.progress;
  reporting.summary(generate_dataset(o), 1);
}

}  // namespace

int mpi_launcher_rank() {
  return environment_number({"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"});
}

bool started_by_mpi_launcher() { return mpi_launcher_rank() >= 0 || launcher_size() >= 0; }

#ifndef DUET_HAVE_MPI

int generate_dataset_on_ranks(DatasetOptions o, bool, const DatasetReporting& reporting) {
  const int size = launcher_size(), rank = mpi_launcher_rank();
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

// MPI_Finalize on every way out, an exception included: the launcher treats a rank that exits
// without it as crashed and kills the others.
class MpiSession {
 public:
  MpiSession() {
    MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiSession() { MPI_Finalize(); }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

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

// Waits for every rank without spinning (Open MPI's blocking barrier busy-polls a core that
// another rank's workers need); `tick` runs meanwhile.
void wait_for_all_ranks(const std::function<void()>& tick) {
  MPI_Request request;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return;
    if (tick) tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// Every rank's error message ("" for none), on rank 0.
std::vector<std::string> gather_errors(const MpiSession& mpi, const std::string& mine) {
  int length = static_cast<int>(mine.size());
  std::vector<int> lengths(mpi.size()), offsets(mpi.size(), 0);
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  for (int r = 1; r < mpi.size(); ++r) offsets[r] = offsets[r - 1] + lengths[r - 1];
  std::string all(mpi.rank() == 0 ? offsets.back() + lengths.back() : 0, '\0');
  MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR,
              0, MPI_COMM_WORLD);
  std::vector<std::string> errors;
  if (mpi.rank() != 0) return errors;
  for (int r = 0; r < mpi.size(); ++r) errors.push_back(all.substr(offsets[r], lengths[r]));
  return errors;
}

// One message for all failed ranks. Bad options or a bad space fail every rank alike; say so once.
std::string describe(const std::vector<std::string>& errors) {
  if (std::all_of(errors.begin(), errors.end(), [&](const auto& e) { return e == errors[0]; })) {
    return errors[0];
  }
  std::string text;
  for (std::size_t r = 0; r < errors.size(); ++r) {
    if (errors[r].empty()) continue;
    text += (text.empty() ? "rank " : "; rank ") + std::to_string(r) + ": " + errors[r];
  }
  return text;
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
      error = e.what();
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
    throw InputError(describe(errors));
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
