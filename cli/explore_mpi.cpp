#include "cli/explore_mpi.hpp"

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/mpi_ranks.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet::cli {

#ifndef DUET_HAVE_MPI

int explore_on_ranks(coexplore::ExploreOptions) {
  if (mpi_launcher_rank() > 0) return 0;
  throw InputError(
      "started by an MPI launcher with several ranks, but this duet was built without MPI "
      "(install libopenmpi-dev and rebuild); or run --point K/N once per process and join them "
      "with `duet explore merge`");
}

#else

namespace {

std::string run_guarded(const coexplore::ExploreOptions& o) {
  try {
    coexplore::run_explore(o);
  } catch (const std::exception& e) {
    return exception_text(e);
  }
  return "";
}

}  // namespace

int explore_on_ranks(coexplore::ExploreOptions o) {
  MpiSession mpi;
  if (mpi.rank() != 0) o.progress = nullptr;  // one set of bars, rank 0's
  // Every rank takes part in every collective call below whatever fails, so none waits for a
  // rank that gave up.
  std::string error;
  if (mpi.rank() == 0) {
    coexplore::ExploreOptions prepare = o;
    prepare.prepare_only = true;
    error = run_guarded(prepare);
  }
  wait_for_all_ranks(nullptr);
  if (broadcast_from_rank_zero(error.empty() ? 0 : 1)) {
    if (mpi.rank() == 0) throw InputError(error);
    return 0;
  }
  coexplore::ExploreOptions share = o;
  share.point = mpi.rank();
  share.points = mpi.size();
  share.resume = true;  // rank 0 prepared this --out a moment ago
  error = run_guarded(share);
  wait_for_all_ranks(nullptr);
  const std::vector<std::string> errors = gather_errors(mpi, error);
  if (mpi.rank() != 0) return 0;
  if (const std::string all = describe_rank_errors(errors); !all.empty()) throw InputError(all);
  coexplore::merge_explore(o.out_dir);
  std::printf("summary: %s/summary.json, %s/pareto.csv (%d MPI ranks)\n", o.out_dir.c_str(),
              o.out_dir.c_str(), mpi.size());
  return 0;
}

#endif

}  // namespace duet::cli
