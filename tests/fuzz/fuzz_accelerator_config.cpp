// The accelerator config JSON (configs/accel/*.json).
#include "fuzz_input.hpp"
#include "sim/accelerator_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return duet::fuzz::refused_or_loaded([&] {
    const std::string text(reinterpret_cast<const char*>(data), size);
    duet::accelerator_config_from_json(duet::parse_json_text(text, "fuzz"), "fuzz");
  });
}
