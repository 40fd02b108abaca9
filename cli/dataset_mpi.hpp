#pragma once
// `duet dataset` under an MPI launcher (mpirun, mpiexec, srun): rank r computes shard r/N into a
// file of its own next to the output, and rank 0 merges those files into the output, which is
// then byte-identical to a single-process run.
#include <cstdint>
#include <functional>

#include "cli/mpi_ranks.hpp"
#include "sim/dse/dataset.hpp"

namespace duet::cli {

struct DatasetReporting {
  std::function<void(int64_t done, int64_t total)> progress;
  std::function<void(const DatasetSummary& summary, int ranks)> summary;
};

// Runs the dataset on every rank; only rank 0 reports progress and the summary. `shard_given`
// (an explicit --shard) is an error with more than one rank, since the ranks are the shards.
// Rank 0 throws InputError for any rank's error, once; the other ranks return 0 (exit code).
int generate_dataset_on_ranks(DatasetOptions options, bool shard_given,
                              const DatasetReporting& reporting);

}  // namespace duet::cli
