// Dataset generation: deterministic, parallel, resumable after a kill, and shardable.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "sim/accelerator_config.hpp"
#include "sim/dse/dataset.hpp"
#include "sim/dse/search_space.hpp"
#include "test_util.hpp"

namespace duet {
namespace {

const std::string kSpace = test::source_path("configs/spaces/cnn-fmnist.json");

std::string generate(const test::TempDir& dir, const std::string& name, int64_t samples,
                     const std::string& extra) {
  const std::string out = dir.path(name);
  auto r = test::run_duet("dataset --space " + kSpace + " --samples " + std::to_string(samples) +
                          " --seed 7 --out " + out + " " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return test::read_text(out);
}

// The rows record the schedule, which a space fixes with its "schedule" key, or else through
// its base config.
TEST(Dataset, RowsRecordTheScheduleTheSpaceFixes) {
  test::TempDir dir;
  Json accel = accelerator_config_to_json(test::shipped("mobile"));
  accel["schedule"] = "sequential";
  const std::string accel_path = dir.path("mobile-sequential.json");
  std::ofstream(accel_path) << accel.dump();
  Json space_json = Json::parse(test::read_text(kSpace));
  EXPECT_EQ(space_json.at("schedule"), "overlap");  // shipped spaces record it
  space_json.erase("schedule");
  space_json["base_config"] = accel_path;
  const std::string space_path = dir.path("space.json");
  std::ofstream(space_path) << space_json.dump();
  const SearchSpace sequential = load_search_space(space_path);
  const SearchSpace overlap = load_search_space(kSpace);
  for (int64_t i = 0; i < 4; ++i) {
    const std::string seq_row = dataset_row(sequential, 7, i);
    const std::string ov_row = dataset_row(overlap, 7, i);
    EXPECT_NE(seq_row.find(",sequential,"), std::string::npos) << seq_row;
    EXPECT_NE(ov_row.find(",overlap,"), std::string::npos) << ov_row;
  }
}

TEST(Dataset, RowsAreCompleteAndIndependentOfTheWorkerCount) {
  test::TempDir dir;
  const std::string one = generate(dir, "one.csv", 24, "--jobs 1");
  const std::string two = generate(dir, "two.csv", 24, "--jobs 2");
  EXPECT_EQ(one, two);
  std::istringstream lines(one);
  std::string header, row;
  std::getline(lines, header);
  for (const char* column : {"index", "status", "cycles", "latency_s", "energy_j", "avg_power_w",
                             "area_mm2", "schedule", "simulator_version"}) {
    EXPECT_NE(header.find(column), std::string::npos) << column;
  }
  int rows = 0, ok = 0;
  while (std::getline(lines, row)) {
    EXPECT_EQ(row.rfind(std::to_string(rows) + ",", 0), 0u) << "rows are in index order";
    if (row.find(",ok,") != std::string::npos) ++ok;
    ++rows;
  }
  EXPECT_EQ(rows, 24);
  EXPECT_GT(ok, 0);
}

// Kill a run (parent and workers) halfway, resume it, and get the uninterrupted run's bytes.
TEST(Dataset, ResumeAfterAKillEqualsAnUninterruptedRun) {
  test::TempDir dir;
  const int64_t samples = 120;
  const std::string reference = generate(dir, "reference.csv", samples, "--jobs 2");
  const std::string out = dir.path("killed.csv");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::setpgid(0, 0);
    const std::string n = std::to_string(samples);
    ::execl(DUET_BINARY, "duet", "dataset", "--space", kSpace.c_str(), "--samples", n.c_str(),
            "--seed", "7", "--jobs", "2", "--out", out.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  // Wait until some samples are written, then kill the whole process group.
  for (int i = 0; i < 600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (test::read_text(out + ".part0").size() + test::read_text(out + ".part1").size() > 2000)
      break;
  }
  ::kill(-pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  EXPECT_FALSE(std::filesystem::exists(out)) << "the output appears only when complete";
  const std::string resumed = generate(dir, "killed.csv", samples, "--jobs 2 --resume");
  EXPECT_EQ(resumed, reference);
}

TEST(Dataset, ShardsMergeToTheFullSet) {
  test::TempDir dir;
  const std::string full = generate(dir, "full.csv", 30, "--jobs 2");
  generate(dir, "s0.csv", 30, "--shard 0/3");
  generate(dir, "s1.csv", 30, "--shard 1/3");
  generate(dir, "s2.csv", 30, "--shard 2/3");
  auto r = test::run_duet("dataset merge --out " + dir.path("merged.csv") + " " +
                          dir.path("s2.csv") + " " + dir.path("s0.csv") + " " + dir.path("s1.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(test::read_text(dir.path("merged.csv")), full);
  // A shard of the same space under the other schedule is not one run's (#21 probe).
  std::string other = test::read_text(dir.path("s1.csv"));
  for (std::size_t at = other.find(",overlap,"); at != std::string::npos;
       at = other.find(",overlap,", at))
    other.replace(at, 9, ",sequential,");
  const std::string other_path = dir.file("s1-sequential.csv", other);
  r = test::run_duet("dataset merge --out " + dir.path("mixed.csv") + " " + dir.path("s0.csv") +
                     " " + other_path);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("schedule sequential"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path("mixed.csv")));
}

// Without --resume an existing output is kept: the run refuses, and with --force moves it aside
// (#21); the new rows are not mixed into the old.
TEST(Dataset, ARunWithoutResumeKeepsAnOldOutput) {
  test::TempDir dir;
  const std::string old_rows = generate(dir, "out.csv", 6, "");
  const std::string args = "dataset --space " + kSpace + " --samples 6 --seed 8 --out ";
  const auto refused = test::run_duet(args + dir.path("out.csv"));
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_EQ(test::read_text(dir.path("out.csv")), old_rows);
  ASSERT_EQ(test::run_duet(args + dir.path("out.csv") + " --force").exit_code, 0);
  ASSERT_EQ(test::run_duet(args + dir.path("fresh.csv")).exit_code, 0);
  EXPECT_EQ(test::read_text(dir.path("out.csv.replaced-1")), old_rows);
  EXPECT_EQ(test::read_text(dir.path("out.csv")), test::read_text(dir.path("fresh.csv")));
}

// A relative --out (the directory listing then spells files "./out.csv.part-done") resumes too.
TEST(Dataset, ResumeWithARelativeOutPathKeepsTheFinishedRows) {
  test::TempDir dir;
  const std::string reference = generate(dir, "reference.csv", 14, "");
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path(""));
  const std::string args = "dataset --space " + kSpace + " --seed 7 --out relative.csv --samples ";
  auto first = test::run_duet(args + "10");
  auto resumed = test::run_duet(args + "14 --resume");
  std::filesystem::current_path(cwd);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("4 simulated"), std::string::npos) << resumed.output;
  EXPECT_EQ(test::read_text(dir.path("relative.csv")), reference);
}

TEST(Dataset, BadOptionsExitWithCodeTwo) {
  test::TempDir dir;
  for (const std::string args : {"--samples 0", "--shard 3/2", "--shard x", "--jobs 0"}) {
    auto r =
        test::run_duet("dataset --space " + kSpace + " --out " + dir.path("x.csv") + " " + args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.output;
  }
  auto r =
      test::run_duet("dataset --space " + dir.path("missing.json") + " --out " + dir.path("x.csv"));
  EXPECT_EQ(r.exit_code, 2);
}

// --resume and merge read only rows Duet could have written: a bad index, another column count,
// a non-finite value or a sample written twice differently is an error naming the file and
// line (a text index used to abort on std::stoll).
TEST(Dataset, ResumeAndMergeRefuseRowsDuetDidNotWrite) {
  test::TempDir dir;
  const std::string text = generate(dir, "good.csv", 4, "");
  const std::string good = dir.path("good.csv");
  std::istringstream lines(text);
  std::string header, first_row;
  std::getline(lines, header);
  std::getline(lines, first_row);
  ASSERT_NE(first_row.find(",ok,"), std::string::npos) << text;
  // The row with its latency_s replaced: by "nan", and by another number.
  std::size_t column = 0;
  for (std::size_t at = 0; at < header.find(",latency_s"); ++at) column += header[at] == ',';
  std::size_t begin = 0;
  for (std::size_t k = 0; k <= column; ++k) begin = first_row.find(',', begin) + 1;
  const std::size_t end = first_row.find(',', begin);
  std::string nan_row = first_row, changed = first_row;
  nan_row.replace(begin, end - begin, "nan");
  changed.replace(begin, end - begin, "1");
  const std::pair<std::string, std::string> appended[] = {
      {"abc,ok", "sample index \"abc\""},
      {"-5,ok", "sample index \"-5\""},
      {"3,ok,extra", "fields, the header has"},
      {nan_row, "not a finite number"},
      {changed, "appears twice with different values"},
  };
  for (const auto& [row, message] : appended) {
    const std::string bad = dir.file("bad.csv", text + row + "\n");
    auto r = test::run_duet("dataset --space " + kSpace + " --samples 6 --resume --out " + bad);
    EXPECT_EQ(r.exit_code, 2) << row << "\n" << r.output;
    EXPECT_NE(r.output.find("bad.csv:6: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
    r = test::run_duet("dataset merge --out " + dir.path("m.csv") + " " + good + " " + bad);
    EXPECT_EQ(r.exit_code, 2) << row << "\n" << r.output;
  }
  const std::string part = dir.file("p.csv.part0", "0,x\n");
  auto r = test::run_duet("dataset --space " + kSpace + " --samples 2 --resume --out " +
                          dir.path("p.csv"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("p.csv.part0:1: 2 fields"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace duet
