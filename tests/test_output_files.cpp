// Outputs are written atomically and checked, without replacing what the path names: a
// symlink's target is rewritten (the link stays), and a device is written in place (a full
// disk is an error, not a silent success).
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.hpp"

namespace duet {
namespace {

namespace fs = std::filesystem;
using test::run_duet;
using test::TempDir;

TEST(OutputFiles, ASymlinkKeepsPointingAtTheRewrittenFile) {
  TempDir dir;
  const std::string target = dir.file("report.json", "old");
  const std::string link = dir.path("link.json");
  fs::create_symlink(target, link);
  const auto r = run_duet("sim --workload alexnet --out " + link);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_NE(test::read_text(target).find("\"summary\""), std::string::npos);
}

TEST(OutputFiles, AFullDeviceIsAnErrorAndStaysADevice) {
  if (!fs::is_character_file("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  const auto r = run_duet("sim --workload alexnet --out /dev/full");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("/dev/full: write failed"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
}

}  // namespace
}  // namespace duet
