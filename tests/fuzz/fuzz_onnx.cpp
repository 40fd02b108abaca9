// ONNX models (docs/onnx.md), with --unsupported as-memory so that more of a graph is read.
#include "fuzz_input.hpp"
#include "workloads/onnx_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = duet::fuzz::input_file(data, size, ".onnx");
  return duet::fuzz::refused_or_loaded([&] {
    duet::OnnxImportOptions options;
    options.unsupported_as_memory = size % 2 == 1;
    duet::total_macs(duet::import_onnx(path, options));
  });
}
