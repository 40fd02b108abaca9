// NN-LUT tables (docs/lut-format.md), evaluated at a few points once loaded.
#include "fuzz_input.hpp"
#include "workloads/lut.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = duet::fuzz::input_file(data, size, ".json");
  return duet::fuzz::refused_or_loaded([&] {
    const duet::PiecewiseLinearLut lut = duet::load_lut(path);
    for (double x : {-1e30, -8.0, -0.5, 0.0, 1e-30, 0.5, 8.0, 1e30}) lut(x);
  });
}
