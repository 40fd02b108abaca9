// duet explore on a vit space: the SFU's approximation of GELU, Softmax and LayerNorm is part of
// what the search draws (sfu_kind, lut_entries), so the network's accuracy feels it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/dse/dataset_table.hpp"
#include "test_util.hpp"
#include "workloads/json_reader.hpp"

namespace duet {
namespace {

namespace fs = std::filesystem;
using test::read_text;
using test::run_command;
using test::source_path;
using test::TempDir;

const std::string kVitSpace = source_path("tests/data/explore-tiny-vit-space.json");

Json vit_study(const TempDir& dir) {
  return {{"name", "vit-tiny"},
          {"space", kVitSpace},
          {"evaluator", {{"dir", dir.path("eval")}, {"samples", 200}, {"epochs", 40}}},
          {"objective", {{"kind", "edp"}}},
          {"lambdas", {0.0}},
          {"budget",
           {{"train_images", 2000},
            {"search_images", 512},
            {"test_images", 500},
            {"warmup_epochs", 2},
            {"search_epochs", 3},
            {"derived_epochs", 5},
            {"derived_seeds", 2},
            {"batch", 64},
            {"random_samples", 8},
            {"score_images", 128}}},
          {"baselines", {"random"}},
          {"seed", 0}};
}

// A DUET_HOME whose 8-entry GELU table computes -GELU, and which is otherwise the shipped
// configs: an SFU that only the network's accuracy can tell apart from the 32-entry one.
std::string home_with_negated_gelu_8(const TempDir& dir) {
  const fs::path configs = fs::path(dir.path("home")) / "configs";
  fs::create_directories(configs / "luts");
  for (const auto& entry : fs::directory_iterator(source_path("configs"))) {
    if (entry.path().filename() != "luts")
      fs::create_directory_symlink(entry.path(), configs / entry.path().filename());
  }
  for (const auto& entry : fs::directory_iterator(source_path("configs/luts"))) {
    if (entry.path().filename() != "gelu-8.json")
      fs::create_symlink(entry.path(), configs / "luts" / entry.path().filename());
  }
  Json table = read_json_file(source_path("configs/luts/gelu-8.json"));
  for (const char* field : {"slopes", "intercepts"}) {
    for (auto& v : table[field]) v = -v.get<double>();
  }
  std::ofstream(configs / "luts" / "gelu-8.json") << table.dump();
  return dir.path("home");
}

double last_logged(const std::string& log, const std::string& column) {
  std::vector<std::string> lines;
  std::stringstream in(log);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const auto names = split_csv_line(lines.front()), values = split_csv_line(lines.back());
  const auto it = std::find(names.begin(), names.end(), column);
  if (it == names.end()) ADD_FAILURE() << "no column " << column;
  return it == names.end() ? NAN
                           : std::stod(values.at(static_cast<std::size_t>(it - names.begin())));
}

TEST(ExploreVit, AccuracyAloneSteersTheSfuAwayFromAnApproximationThatHurts) {
  TempDir dir;
  const std::string home = home_with_negated_gelu_8(dir);
  const std::string out = dir.path("out");
  const std::string study = dir.file("s.json", vit_study(dir).dump(2));
  const auto r = run_command("DUET_HOME=" + home + " " + DUET_BINARY + " explore --study " + study +
                             " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // lambda = 0: the cost pulls on nothing, so beta's lut_entries moved by cross-entropy alone.
  const double eight =
      last_logged(read_text(out + "/points/00-coexplore/search_log.csv"), "beta:lut_entries=8");
  EXPECT_LT(eight, 0.4) << eight
                        << ": the search did not learn that 8 entries (-GELU) hurt accuracy";
  const Json summary = Json::parse(read_text(out + "/summary.json"));
  const Json& point = summary["points"][0];
  EXPECT_EQ(point["hardware"]["lut_entries"], 32);
  EXPECT_EQ(point["approximation"], "nnlut-32");
  // Trained exactly and tested through the chosen SFU: 32 entries cost little against exact.
  const double approximate = point["accuracy"].get<double>();
  const double exact = point["accuracy_exact"].get<double>();
  EXPECT_GT(exact, 0.4) << "learning happened (chance is 0.1)";
  EXPECT_NEAR(approximate, exact, 0.03);
  // Two trainings from scratch with different seeds; the accuracy is their mean.
  const Json& seeds = point["accuracy_seeds"];
  ASSERT_EQ(seeds.size(), 2u);
  EXPECT_DOUBLE_EQ(approximate, seeds[0].get<double>() / 2 + seeds[1].get<double>() / 2);
  EXPECT_NE(read_text(out + "/points/00-coexplore/derived.pt"),
            read_text(out + "/points/00-coexplore/derived-seed1.pt"));
  // The random baseline's pick is scored through its own SFU: never the one that negates GELU.
  const Json& random = summary["baselines"][0];
  EXPECT_EQ(random["hardware"]["lut_entries"], 32);
  EXPECT_EQ(random["approximation"], "nnlut-32");
  // The derived files load in duet sim and reproduce the figures (the encoder's transposes and
  // softmax axis survive the workload writer).
  test::expect_reproducible_in_duet_sim(out, point);
  test::expect_reproducible_in_duet_sim(out, random);
}

TEST(ExploreVit, BadVitStudiesExitWithCodeTwoNamingTheField) {
  TempDir dir;
  Json space = read_json_file(kVitSpace);
  space["hardware"]["lut_entries"] = {8, 64};
  Json generator = vit_study(dir);
  generator["hardware_mode"] = "generator";
  Json no_tables = vit_study(dir);
  no_tables["space"] = dir.file("space-64.json", space.dump());
  const std::vector<std::pair<Json, std::vector<std::string>>> cases = {
      {generator, {"hardware_mode", "logits"}},
      {no_tables, {"hardware.lut_entries: 64", "allowed: 8, 16, 32"}},
  };
  for (const auto& [study, expected] : cases) {
    const auto r = test::run_duet("explore --study " + dir.file("s.json", study.dump()) +
                                  " --out " + dir.path("out"));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    for (const auto& text : expected) EXPECT_NE(r.output.find(text), std::string::npos) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  }
}

}  // namespace
}  // namespace duet
