// SCALE-Sim's .cfg accelerator files.
#include "fuzz_input.hpp"
#include "sim/accelerator_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = duet::fuzz::input_file(data, size, ".cfg");
  return duet::fuzz::refused_or_loaded([&] { duet::import_scalesim_cfg(path); });
}
