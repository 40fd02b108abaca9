// The report formats researchers consume: JSON with the documented fields, per-layer CSV, and a
// Chrome trace that Perfetto opens.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "test_util.hpp"

namespace duet {
namespace {

TEST(Reports, CliWritesJsonCsvAndTrace) {
  test::TempDir dir;
  const std::string json = dir.path("r.json"), csv = dir.path("l.csv"), trace = dir.path("t.json");
  auto r = test::run_duet("sim --arch " + test::source_path("configs/accel/mobile.json") +
                          " --workload bert-base --seq-len 32 --out " + json + " --layers-csv " +
                          csv + " --trace " + trace + " --verbose");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("encoder.11.ffn2"), std::string::npos);  // --verbose table

  auto report = nlohmann::json::parse(test::read_text(json));
  for (const char* key :
       {"cycles", "latency_s", "macs", "utilization", "dram_read_bytes", "dram_write_bytes"}) {
    EXPECT_TRUE(report["summary"].contains(key)) << key;
  }
  ASSERT_FALSE(report["layers"].empty());
  for (const auto& layer : report["layers"]) {
    for (const char* key : {"name", "op", "macs", "cycles", "compute_cycles", "stall_cycles",
                            "sfu_cycles", "utilization", "bound", "dram_read_bytes",
                            "dram_write_bytes", "sram_reads", "sram_writes"}) {
      EXPECT_TRUE(layer.contains(key)) << key;
    }
  }
  const double latency = report["summary"]["latency_s"];
  const double cycles = report["summary"]["cycles"];
  EXPECT_NEAR(latency, cycles / 1e9, 1e-12);  // mobile runs at 1 GHz

  std::istringstream lines(test::read_text(csv));
  std::string header, row;
  std::getline(lines, header);
  EXPECT_EQ(header.rfind("name,op,unit,bound,", 0), 0u);
  int rows = 0;
  const auto fields = [](const std::string& line) {
    return std::count(line.begin(), line.end(), ',') + 1;
  };
  while (std::getline(lines, row)) {
    EXPECT_EQ(fields(row), fields(header)) << row;  // the header once had one column more
    ++rows;
  }
  EXPECT_EQ(rows, static_cast<int>(report["layers"].size()));
  // The area breakdown adds up to the total; the per-bank list is detail beside it.
  double area = 0;
  for (const auto& [name, mm2] : report["area_breakdown_mm2"].items()) area += mm2.get<double>();
  EXPECT_NEAR(area, report["summary"]["area_mm2"].get<double>(), 1e-9);
  EXPECT_FALSE(report["area_detail_mm2"]["global_buffer_banks"].empty());

  auto events = nlohmann::json::parse(test::read_text(trace))["traceEvents"];
  std::set<std::string> tracks;
  int complete = 0;
  for (const auto& e : events) {
    if (e["ph"] == "M") tracks.insert(e["args"]["name"].get<std::string>());
    if (e["ph"] == "X") ++complete;
  }
  EXPECT_EQ(tracks, (std::set<std::string>{"PE array", "DMA-in", "DMA-out", "SFU", "DRAM"}));
  EXPECT_GT(complete, 100);
}

}  // namespace
}  // namespace duet
