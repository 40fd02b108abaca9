#pragma once
// `duet explore` under an MPI launcher: rank 0 builds what every point shares (evaluator,
// warm-up, generator, random scores), then rank r computes the points i with i % R == r (as
// --point r/R would), and rank 0 merges summary.json. --out must be on a file system all ranks
// share.
#include "models/coexplore/explore.hpp"

namespace duet::cli {

// Returns the exit code of this rank. Rank 0 throws InputError naming every failed rank once;
// the others return 0, so the launcher's exit code is rank 0's.
int explore_on_ranks(coexplore::ExploreOptions options);

}  // namespace duet::cli
