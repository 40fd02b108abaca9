// Search spaces (docs/space-format.md), with one sample drawn and built when one loads.
#include "fuzz_input.hpp"
#include "sim/dse/search_space.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = duet::fuzz::input_file(data, size, ".json");
  return duet::fuzz::refused_or_loaded([&] {
    const duet::SearchSpace space = duet::load_search_space(path);
    duet::sample_workload(space, duet::draw_sample(space, 1, 0));
  });
}
