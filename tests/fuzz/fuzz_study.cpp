// Co-exploration studies (docs/explore.md), as given and with their "quick" object merged.
#include "fuzz_input.hpp"
#include "models/coexplore/study.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = duet::fuzz::input_file(data, size, ".json");
  for (bool quick : {false, true}) {
    duet::fuzz::refused_or_loaded([&] { duet::coexplore::load_study(path, quick); });
  }
  return 0;
}
