#pragma once
// Simulating many designs of a space at once, in worker processes (SystemC elaborates one kernel
// per process): the one "sample -> config -> simulate" pipeline that dataset generation,
// co-exploration's checks and library users share.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/dse/search_space.hpp"

namespace duet {

struct DesignResult {
  bool ok = false;  // false: the design cannot run (`error` says why)
  double latency_s = 0, energy_j = 0, area_mm2 = 0, avg_power_w = 0;
  std::string error;
  std::string row;  // the design's dataset CSV row (dataset_row_for), index = its position
};

// Results in the order of `designs`. With jobs > 1 the designs are shared among that many
// forked workers; `progress(done, total)` is called as results arrive. Throws InputError if a
// worker fails (not for designs that cannot run: those are results).
std::vector<DesignResult> simulate_designs(
    const SearchSpace& space, const std::vector<Sample>& designs, int jobs,
    const std::function<void(int64_t, int64_t)>& progress = {});

}  // namespace duet
