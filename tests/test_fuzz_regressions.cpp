// Inputs the fuzzers (make fuzz, tests/fuzz) found, kept so that they stay fixed: each is refused
// with InputError, as the harness of its format expects, and never crashes or trips UBSan.
#include <gtest/gtest.h>

#include <filesystem>

#include "sim/accelerator_config.hpp"
#include "test_util.hpp"
#include "workloads/input_error.hpp"
#include "workloads/onnx_import.hpp"
#include "workloads/workload_io.hpp"

namespace duet {
namespace {

TEST(FuzzRegressions, EveryFindingIsRefusedWithInputError) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(test::source_path("tests/fuzz/regressions"))) {
    const std::string path = entry.path().string(), ext = entry.path().extension().string();
    SCOPED_TRACE(path);
    ++files;
    if (ext == ".onnx") {
      EXPECT_THROW(total_macs(import_onnx(path)), InputError);
    } else if (ext == ".csv") {
      EXPECT_THROW(total_macs(import_scalesim_topology(path)), InputError);
    } else if (ext == ".cfg") {
      EXPECT_THROW(import_scalesim_cfg(path), InputError);
    } else {
      ADD_FAILURE() << "no loader for this extension";
    }
  }
  EXPECT_GE(files, 2);
}

}  // namespace
}  // namespace duet
