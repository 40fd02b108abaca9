// Duet's workload JSON (docs/workload-format.md), with shape inference and MAC counts.
#include "fuzz_input.hpp"
#include "workloads/workload_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return duet::fuzz::refused_or_loaded([&] {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const duet::Workload w =
        duet::workload_from_json(duet::parse_json_text(text, "fuzz"), "fuzz", "w");
    duet::total_macs(w);
    duet::workload_to_json(w);
  });
}
