// The Python package (cli/python): its simulations equal `duet sim`'s reports, its errors carry
// the CLI's messages, and the analysis example that uses it runs. The checks themselves are in
// tests/python/check_simulate.py; this runs them under ctest.
#include <gtest/gtest.h>

#include "test_util.hpp"

namespace duet {
namespace {

using test::run_command;
using test::source_path;

std::string python(const std::string& args) {
  return std::string("PYTHONPATH=") + DUET_PYTHON_DIR + " /usr/bin/python3 " + args;
}

TEST(Python, SimulateGivesTheCliReportsAndErrors) {
  const auto r = run_command(python(source_path("tests/python/check_simulate.py") + " " +
                                    DUET_BINARY + " " + DUET_SOURCE_DIR));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\nOK"), std::string::npos) << r.output;
}

TEST(Python, ArraySizeSweepExampleRunsAndBiggerArraysAreFaster) {
  test::TempDir dir;
  const auto r = run_command(python(source_path("analysis/array_size_sweep.py") +
                                    " --workloads resnet18 --sizes 8,32 --workers 2 --out " +
                                    dir.path("sweep")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string csv = test::read_text(dir.path("sweep/array_sweep.csv"));
  std::istringstream lines(csv);
  std::string header, small, large;
  std::getline(lines, header);
  std::getline(lines, small);
  std::getline(lines, large);
  EXPECT_EQ(header, "workload,pe_rows,pe_cols,cycles,latency_s,energy_j,area_mm2,edp_j_s");
  auto cycles = [](const std::string& row) {  // the fourth column
    std::istringstream in(row);
    std::string cell;
    for (int i = 0; i < 4; ++i) std::getline(in, cell, ',');
    return std::stoll(cell);
  };
  EXPECT_GT(cycles(small), 4 * cycles(large)) << csv;
  EXPECT_FALSE(test::read_text(dir.path("sweep/array_sweep.png")).empty());
  // The example's bad input: the package's message, exit 2.
  const auto bad = run_command(python(source_path("analysis/array_size_sweep.py") +
                                      " --workloads nosuch --sizes 8 --out " + dir.path("bad")));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("unknown workload \"nosuch\""), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace duet
