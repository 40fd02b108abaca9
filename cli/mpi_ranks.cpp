#include "cli/mpi_ranks.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <initializer_list>
#include <thread>

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

}  // namespace

int mpi_launcher_rank() {
  return environment_number({"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"});
}

bool started_by_mpi_launcher() { return mpi_launcher_rank() >= 0 || mpi_launcher_size() >= 0; }

// Open MPI's mpirun, PMI launchers (MPICH's hydra, Intel MPI, srun --mpi=pmi2) and PMIx ones
// (srun --mpi=pmix) each set one of these.
int mpi_launcher_size() { return environment_number({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}); }

#ifdef DUET_HAVE_MPI

MpiSession::MpiSession() {
  MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

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

int broadcast_from_rank_zero(int flag) {
  MPI_Bcast(&flag, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return flag;
}

#endif

// One message for all failed ranks. Bad options or a bad space fail every rank alike; say so once.
std::string describe_rank_errors(const std::vector<std::string>& errors) {
  if (errors.empty()) return "";
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

}  // namespace duet::cli
