#pragma once
// MPI ranks for the commands that spread work over them (`duet dataset`, `duet explore`). MPI is
// initialized only under a launcher (mpirun, mpiexec, srun), so a plain run never needs one.
#include <functional>
#include <string>
#include <vector>

namespace duet::cli {

// The rank and size an MPI launcher announced in the environment, or -1 without a launcher.
int mpi_launcher_rank();
int mpi_launcher_size();
bool started_by_mpi_launcher();

#ifdef DUET_HAVE_MPI
// MPI_Init/MPI_Finalize on every way out, an exception included: the launcher treats a rank that
// exits without MPI_Finalize as crashed and kills the others.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

// Waits for every rank without spinning (Open MPI's blocking barrier busy-polls a core that
// another rank's workers need); `tick` runs meanwhile.
void wait_for_all_ranks(const std::function<void()>& tick);
// Every rank's error message ("" for none), on rank 0 (empty on the others).
std::vector<std::string> gather_errors(const MpiSession& mpi, const std::string& mine);
// Rank 0's value of `flag` on every rank.
int broadcast_from_rank_zero(int flag);
#endif

// One message for all failed ranks ("" when none failed). Bad options fail every rank alike;
// that is said once.
std::string describe_rank_errors(const std::vector<std::string>& errors);

}  // namespace duet::cli
