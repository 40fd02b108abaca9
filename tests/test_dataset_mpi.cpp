// `mpiexec -np 2 duet dataset`: the ranks split the samples and gather one output, byte-identical
// to a single process; rank-local failures and --shard are clean errors, never a hang.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.hpp"

namespace duet {
namespace {

const std::string kSpace = test::source_path("configs/spaces/cnn-fmnist.json");

std::vector<std::string> files_in(const test::TempDir& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path(""))) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string dataset_args(const std::string& out, int64_t samples) {
  return "dataset --space " + kSpace + " --samples " + std::to_string(samples) +
         " --seed 7 --out " + out;
}

using test::kHaveMpi;
using test::kNoMpi;
using test::run_on_two_ranks;

TEST(DatasetMpi, TwoRanksWriteTheSingleProcessBytes) {
  if (!kHaveMpi) GTEST_SKIP() << kNoMpi;
  test::TempDir dir;
  auto single = test::run_duet(dataset_args(dir.path("single.csv"), 40));
  ASSERT_EQ(single.exit_code, 0) << single.output;
  auto mpi = run_on_two_ranks(dataset_args(dir.path("mpi.csv"), 40) + " --jobs 1");
  ASSERT_EQ(mpi.exit_code, 0) << mpi.output;
  EXPECT_EQ(test::read_text(dir.path("mpi.csv")), test::read_text(dir.path("single.csv")));
  EXPECT_NE(mpi.output.find("on 2 MPI ranks"), std::string::npos) << mpi.output;
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"mpi.csv", "single.csv"}))
      << "the ranks' files are removed";
}

// An interrupted run leaves each rank's part files; --resume keeps their complete lines.
TEST(DatasetMpi, ResumeKeepsEachRanksFinishedSamples) {
  if (!kHaveMpi) GTEST_SKIP() << kNoMpi;
  test::TempDir dir;
  auto single = test::run_duet(dataset_args(dir.path("single.csv"), 40));
  ASSERT_EQ(single.exit_code, 0) << single.output;
  std::vector<std::string> rows;
  std::istringstream lines(test::read_text(dir.path("single.csv")));
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  const std::string out = dir.path("mpi.csv");
  // Rows 0, 2, 4 and half of 6 from rank 0; rows 1 and 3 from rank 1 (row 0 is the header).
  dir.file("mpi.csv.rank0-of-2.part0",
           rows[1] + "\n" + rows[3] + "\n" + rows[5] + "\n" + rows[7].substr(0, 20));
  dir.file("mpi.csv.rank1-of-2.part0", rows[2] + "\n" + rows[4] + "\n");
  auto mpi = run_on_two_ranks(dataset_args(out, 40) + " --resume");
  ASSERT_EQ(mpi.exit_code, 0) << mpi.output;
  EXPECT_NE(mpi.output.find("35 simulated"), std::string::npos) << mpi.output;
  EXPECT_EQ(test::read_text(out), test::read_text(dir.path("single.csv")));

  // A finished output is resumed from too: growing it simulates only the new samples.
  auto more = run_on_two_ranks(dataset_args(out, 50) + " --resume");
  ASSERT_EQ(more.exit_code, 0) << more.output;
  EXPECT_NE(more.output.find("10 simulated"), std::string::npos) << more.output;
  auto reference = test::run_duet(dataset_args(dir.path("single50.csv"), 50));
  ASSERT_EQ(reference.exit_code, 0) << reference.output;
  EXPECT_EQ(test::read_text(out), test::read_text(dir.path("single50.csv")));
}

TEST(DatasetMpi, ShardIsAnErrorUnderMpi) {
  if (!kHaveMpi) GTEST_SKIP() << kNoMpi;
  test::TempDir dir;
  auto r = run_on_two_ranks(dataset_args(dir.path("x.csv"), 10) + " --shard 0/2");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--shard cannot be combined with MPI"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("error:"), r.output.rfind("error:")) << "reported once: " << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path("x.csv")));
}

// Rank 1 cannot write its file (a directory is in the way): rank 0 must not wait forever, and
// the error names the rank.
TEST(DatasetMpi, AnErrorOnOneRankFailsTheRunCleanly) {
  if (!kHaveMpi) GTEST_SKIP() << kNoMpi;
  test::TempDir dir;
  std::filesystem::create_directories(dir.path("x.csv.rank1-of-2/blocker"));
  auto r = run_on_two_ranks(dataset_args(dir.path("x.csv"), 10));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("rank 1: "), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path("x.csv"))) << "no partial output";
}

}  // namespace
}  // namespace duet
