// Found by the third hostile probe (#21): a failed command leaves none of its outputs, a resumed
// dataset keeps only this run's samples, a name too long for the filesystem is bad input naming
// its option, and the JSON library's errors are told in the project's words.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "test_util.hpp"

namespace duet {
namespace {

namespace fs = std::filesystem;
using test::read_text;
using test::run_duet;
using test::TempDir;

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

int lines_of(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(KeptResults, AFailedSimLeavesNoneOfItsOutputs) {
  if (!fs::is_character_file("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  TempDir dir;
  for (const char* failing : {"--layers-csv /dev/full", "--trace /dev/full"}) {
    const std::string out = dir.path("o.json");
    const auto r = run_duet("sim --workload resnet18 --out " + out + " " + failing);
    EXPECT_EQ(r.exit_code, 2) << failing << "\n" << r.output;
    EXPECT_FALSE(fs::exists(out)) << failing << ": o.json was left behind";
    for (const auto& entry : fs::directory_iterator(dir.path(".")))
      ADD_FAILURE() << "left behind: " << entry.path();
  }
  // An earlier report at the same path is not replaced by a set that failed.
  const std::string out = dir.file("o.json", "earlier");
  const auto r = run_duet("sim --workload resnet18 --out " + out + " --layers-csv /dev/full");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(read_text(out), "earlier");
}

TEST(KeptResults, NamesTooLongForTheFilesystemAreBadInputNamingTheOption) {
  const std::string long_name(300, 'm');
  const std::string long_path = "/tmp/" + std::string(5000, 'p');
  const std::pair<std::string, std::string> cases[] = {
      {"sim --arch " + long_name + " --workload resnet18", "--arch"},
      {"sim --workload " + long_name, "--workload"},
      {"sim --workload resnet18 --out " + long_name + ".json", "--out"},
      {"workload show " + long_name, ""},
      {"area --arch " + long_name, "--arch"},
      {"sim --arch " + long_path + " --workload resnet18", "--arch"},
      {"sim --workload resnet18 --tech " + long_path, "--tech"},
  };
  for (const auto& [args, option] : cases) {
    const auto r = run_duet(args);
    EXPECT_EQ(r.exit_code, 2) << args.substr(0, 60) << "\n" << r.output.substr(0, 400);
    EXPECT_EQ(r.output.find("internal error"), std::string::npos) << r.output.substr(0, 400);
    EXPECT_NE(r.output.find(option + ": "), std::string::npos) << r.output.substr(0, 400);
    EXPECT_EQ(lines_of(r.output), 1) << r.output.substr(0, 400);
  }
}

TEST(KeptResults, JsonLibraryErrorsAreToldInTheProjectsWords) {
  TempDir dir;
  const std::string config = dir.file(
      "huge.json", R"({"name": "x", "clock_ghz": 1e999, "pe_array": {"rows": 8, "cols": 8}})");
  auto r = run_duet("sim --arch " + config + " --workload resnet18");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("huge.json: number out of range: '1e999'"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("json.exception"), std::string::npos) << r.output;
  const std::string workload = dir.file("w.json", "{\"inputs\": {\"x\": [1, 4]}, \"layers\": [}");
  r = run_duet("sim --workload " + workload);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("w.json:1:"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("json.exception"), std::string::npos) << r.output;
}

// Replaces column `name` of data row `row` (1 = first after the header).
std::string with_field(const std::string& csv, int row, const std::string& name,
                       const std::string& value) {
  std::istringstream in(csv);
  std::string header, line, out;
  std::getline(in, header);
  std::size_t column = 0;
  for (std::size_t at = 0; at < header.find("," + name + ","); ++at) column += header[at] == ',';
  ++column;
  out = header + "\n";
  for (int k = 1; std::getline(in, line); ++k) {
    if (k == row) {
      std::size_t begin = 0;
      for (std::size_t c = 0; c < column; ++c) begin = line.find(',', begin) + 1;
      line.replace(begin, line.find(',', begin) - begin, value);
    }
    out += line + "\n";
  }
  return out;
}

TEST(KeptResults, AResumedDatasetKeepsOnlyThisSeedsSamples) {
  TempDir dir;
  const std::string space = test::tiny_explore_space();
  const std::string base = "dataset --space " + space + " --jobs 1 ";
  auto r = run_duet(base + "--samples 3 --out " + dir.path("seed0.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_duet(base + "--samples 3 --seed 7 --out " + dir.path("seed7.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string seed0 = read_text(dir.path("seed0.csv"));
  // A row edited by hand (its pe_rows changed, its targets not), and a file of another seed.
  std::string edited = with_field(seed0, 2, "hw_pe_rows", "8");
  if (edited == seed0) edited = with_field(seed0, 2, "hw_pe_rows", "32");
  ASSERT_NE(edited, seed0);
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"edited.csv", edited},
                                   {"other-seed.csv", read_text(dir.path("seed7.csv"))}}) {
    const std::string out = dir.file(name, text);
    r = run_duet(base + "--samples 6 --resume --out " + out);
    EXPECT_EQ(r.exit_code, 2) << name << "\n" << r.output;
    EXPECT_NE(r.output.find("--seed 0 draws"), std::string::npos) << r.output;
    EXPECT_EQ(read_text(out), text) << name << ": the refused file must stay as it was";
  }
  // The untouched file resumes.
  r = run_duet(base + "--samples 6 --resume --out " + dir.path("seed0.csv"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("3 simulated"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace duet

namespace duet {
namespace {

// The rest of the third probe's findings, each in its shortest form.
TEST(KeptResults, ProbeFindingsAreBadInputInOneLine) {
  TempDir dir;
  const std::string mobile = read_text(test::source_path("configs/accel/mobile.json"));
  Json deep = Json::parse(mobile);
  std::string nested = "0";
  for (int i = 0; i < 60000; ++i) nested = "[" + nested + "]";
  std::string deep_text = mobile;
  deep_text.replace(deep_text.find("\"Default"), 0, nested + ", \"x\": ");
  const std::string cfg =
      dir.file("name.cfg",
               "[general]\nrun_name = sc\xff\n[architecture_presets]\n"
               "ArrayHeight: 8\nArrayWidth: 8\nIfmapSramSzkB: 64\n"
               "FilterSramSzkB: 64\nOfmapSramSzkB: 64\nDataflow: ws\nBandwidth: 10\n"
               "MemoryBanks: 1\n");
  const std::pair<std::string, std::string> cases[] = {
      // A value nested 60,000 deep used to overflow the stack when its message quoted it.
      {"area --arch " + dir.file("deep.json", deep_text), "nested deeper than 100 levels"},
      {"area --arch " + dir.file("nul.json", std::string(R"({"name": "mo\u0000bile"})")),
       "NUL byte"},
      {"area --arch " + dir.file("a.json", mobile) + " --out " + dir.path("a.json"),
       "is also an input"},
      {"dataset merge --out " + dir.path("m.csv") + " /dev/zero", "not a regular file"},
      {"dataset --space " + test::tiny_explore_space() + " --samples 2 --shard +0/2 --out " +
           dir.path("d.csv"),
       "--shard"},
      {"sim --workload resnet18 --tech \"\"", "--tech: expected a value"},
      {"area --arch " +
           dir.file("hex.cfg", replaced(read_text(cfg), "ArrayHeight: 8", "ArrayHeight: 0x20")),
       "ArrayHeight: expected a number"},
      {"area --arch " + dir.file("big.cfg", replaced(read_text(cfg), "SzkB: 64", "SzkB: 4194304")),
       "above the buffer's limit"},
      {"frobnicate", "unknown command"},
      {"", "give a command"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = run_duet(args);
    EXPECT_EQ(r.exit_code, 2) << args.substr(0, 80) << "\n" << r.output.substr(0, 300);
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output.substr(0, 300);
    EXPECT_EQ(lines_of(r.output), 1) << r.output.substr(0, 300);
  }
  EXPECT_EQ(read_text(dir.path("a.json")), mobile);
  // A name that is not UTF-8 (a SCALE-Sim run name) reaches the JSON report replaced, not thrown.
  const auto r = run_duet("area --arch " + cfg + " --out " + dir.path("area.json"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(read_text(dir.path("area.json")).find("sc\xef\xbf\xbd"), std::string::npos);
}

TEST(KeptResults, AResumedDatasetKeepsItsRowsAndRefusesEditedResults) {
  TempDir dir;
  const std::string base = "dataset --space " + test::tiny_explore_space() + " --jobs 1 ";
  const std::string out = dir.path("d.csv");
  auto r = run_duet(base + "--samples 4 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string finished = read_text(out);
  // Fewer samples than the file holds: refused, nothing dropped.
  r = run_duet(base + "--samples 2 --resume --out " + out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("resume with --samples 4"), std::string::npos) << r.output;
  EXPECT_EQ(read_text(out), finished);
  // A shard's resume over the whole set would keep only its own shard.
  r = run_duet(base + "--samples 4 --shard 0/2 --resume --out " + out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("of another shard"), std::string::npos) << r.output;
  EXPECT_EQ(read_text(out), finished);
  // Result columns of a form Duet does not write.
  const std::pair<std::string, std::string> edits[] = {
      {"status", "maybe"},  {"latency_s", "-1"},   {"latency_s", "1e999"},
      {"macs", "128896.5"}, {"schedule", "bogus"}, {"simulator_version", "duet-sim-0"},
      {"cycles", " 9792"},
  };
  for (const auto& [column, value] : edits) {
    const std::string edited = dir.file("e.csv", with_field(finished, 1, column, value));
    r = run_duet(base + "--samples 4 --resume --out " + edited);
    EXPECT_EQ(r.exit_code, 2) << column << "=" << value << "\n" << r.output;
    EXPECT_NE(r.output.find(column), std::string::npos) << r.output;
  }
  // A device as --out is not read forever.
  if (fs::is_character_file("/dev/zero")) {
    r = run_duet(base + "--samples 4 --resume --out /dev/zero");
    EXPECT_EQ(r.exit_code, 2) << r.output;
  }
}

}  // namespace
}  // namespace duet
