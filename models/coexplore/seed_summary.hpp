#pragma once
// A study run with several seeds (#22): seed s lives in <out>/seed-<s>/, a full single-seed
// run, and the merge compares the methods paired by seed: means with 95% bootstrap intervals
// per method and λ, and co-exploration against every baseline with a win/tie/loss verdict.
#include <string>

namespace duet::coexplore {

inline constexpr const char* kSeedsFile = "seeds.json";

std::string seed_dir(const std::string& out_dir, int seed);
// Merges every seed's points (InputError naming what is missing), then writes the comparison
// as <out>/summary.json and every seed's designs as <out>/pareto.csv (with a seed column).
void merge_seeds(const std::string& out_dir);

}  // namespace duet::coexplore
