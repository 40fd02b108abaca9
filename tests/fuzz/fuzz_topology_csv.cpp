// SCALE-Sim's topology CSV workloads.
#include "fuzz_input.hpp"
#include "workloads/workload_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = duet::fuzz::input_file(data, size, ".csv");
  return duet::fuzz::refused_or_loaded(
      [&] { duet::total_macs(duet::import_scalesim_topology(path)); });
}
