// duet explore's other modes: fixed workloads (hardware-only search, as for a recast student
// and its teacher) and DANCE's hardware generator. Both run on the 32-point tiny hardware grid.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "sim/dse/search_space.hpp"
#include "test_util.hpp"
#include "workloads/workload_io.hpp"

namespace duet {
namespace {

using test::read_text;
using test::run_duet;
using test::TempDir;
using test::without_seconds;

const std::string kTinySpace = test::tiny_explore_space();

// Two of the tiny space's networks written as workload files, and a fixed space naming them
// with the tiny space's hardware dimensions.
std::string fixed_space(const TempDir& dir) {
  const SearchSpace tiny = load_search_space(kTinySpace);
  Json space = read_json_file(kTinySpace);
  Json workloads = Json::array();
  for (const auto& [name, blocks] : std::vector<std::pair<std::string, std::vector<int>>>{
           {"small", {0, 2}}, {"large", {1, 1}}}) {
    const Workload w =
        sample_workload(tiny, {0, std::vector<int>(tiny.hardware.size(), 0), blocks});
    workloads.push_back(
        {{"name", name}, {"workload", dir.file(name + ".json", workload_to_json(w).dump())}});
  }
  space["name"] = "fixed-tiny";
  space["network"] = {{"family", "fixed"}, {"workloads", workloads}};
  return dir.file("fixed-space.json", space.dump(2));
}

Json fixed_study(const TempDir& dir, const std::string& space) {
  return {{"name", "fixed-tiny"},
          {"space", space},
          {"evaluator", {{"dir", dir.path("eval")}, {"samples", 200}, {"epochs", 80}}},
          {"objective", {{"kind", "edp"}}},
          {"lambdas", {1.0}},
          {"budget",
           {{"search_images", 640}, {"search_epochs", 1}, {"batch", 64}, {"score_images", 64}}},
          {"baselines", {"random", "exhaustive"}},
          {"seed", 0}};
}

TEST(ExploreFixed, HardwareOnlySearchReachesTheExhaustiveOptimumAndComparesWorkloads) {
  TempDir dir;
  const std::string out = dir.path("out");
  const std::string study = dir.file("s.json", fixed_study(dir, fixed_space(dir)).dump(2));
  const auto r = run_duet("explore --study " + study + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json summary = Json::parse(read_text(out + "/summary.json"));
  std::map<std::string, Json> by_id;
  for (const auto& list : {summary["points"], summary["baselines"]}) {
    for (const auto& e : list) by_id[e["id"].get<std::string>()] = e;
  }
  ASSERT_EQ(by_id.size(), 6u);  // 2 workloads x (gradient, random, exhaustive)
  for (const std::string w : {"small", "large"}) {
    const int base = w == "small" ? 0 : 3;
    const Json& gradient = by_id.at("0" + std::to_string(base) + "-" + w + "-coexplore");
    const Json& random = by_id.at("0" + std::to_string(base + 1) + "-" + w + "-random");
    const Json& exhaustive = by_id.at("0" + std::to_string(base + 2) + "-" + w + "-exhaustive");
    EXPECT_EQ(gradient["network"]["workload"], w);
    EXPECT_TRUE(gradient["accuracy"].is_null()) << "a fixed workload is not trained here";
    EXPECT_FALSE(gradient.contains("weights"));
    // Equal evaluator calls per search for the gradient and random searches (10 steps), the
    // whole grid for exhaustive; a refinement round searches again.
    auto per_search = [](const Json& e) {
      return e["evaluator_calls"].get<int64_t>() / (1 + e["refinements"].get<int64_t>());
    };
    EXPECT_EQ(per_search(gradient), 10);
    EXPECT_EQ(per_search(random), 10);
    EXPECT_EQ(per_search(exhaustive), 32);
    EXPECT_LE(gradient["predicted"]["edp_js"].get<double>(),
              1.02 * exhaustive["predicted"]["edp_js"].get<double>())
        << "the gradient search stopped far from the evaluator's optimum for " << w;
  }
  // Each workload on each workload's best accelerator; the diagonal is the best design itself.
  const Json& cmp = summary.at("workloads");
  for (const std::string w : {"small", "large"}) {
    EXPECT_DOUBLE_EQ(cmp["edp_js_on_best_hardware_of"][w][w].get<double>(),
                     cmp["best"][w]["edp_js"].get<double>());
    for (const std::string h : {"small", "large"})
      EXPECT_TRUE(cmp["edp_js_on_best_hardware_of"][w].contains(h)) << w << " on " << h;
  }
  EXPECT_FALSE(std::filesystem::exists(out + "/warmup.pt")) << "no supernet for fixed workloads";

  // A workload file that changed since the evaluator was trained is refused, not reused.
  const std::string small = read_text(dir.path("small.json"));
  std::ofstream(dir.path("small.json")) << read_text(dir.path("large.json"));
  auto changed = run_duet("explore --study " + study + " --out " + dir.path("changed"));
  EXPECT_EQ(changed.exit_code, 2) << changed.output;
  EXPECT_NE(changed.output.find("fixed workload's content"), std::string::npos) << changed.output;
  std::ofstream(dir.path("small.json")) << small;

  // A hand-edited point is refused by merge, naming the file and the field.
  const std::string point = out + "/points/00-small-coexplore/point.json";
  Json edited = Json::parse(read_text(point));
  edited["accuracy"] = 5;
  std::ofstream(point) << edited.dump();
  const auto merged = run_duet("explore merge --out " + out);
  EXPECT_EQ(merged.exit_code, 2) << merged.output;
  EXPECT_NE(merged.output.find("point.json: accuracy"), std::string::npos) << merged.output;
}

TEST(ExploreMpi, TwoRanksShareThePointsAndMergeTheSingleProcessSummary) {
  if (!test::kHaveMpi) GTEST_SKIP() << test::kNoMpi;
  TempDir dir;
  const std::string study = dir.file("s.json", fixed_study(dir, fixed_space(dir)).dump(2));
  auto r = run_duet("explore --study " + study + " --out " + dir.path("one"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = test::run_on_two_ranks("explore --study " + study + " --out " + dir.path("two"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("2 MPI ranks"), std::string::npos) << r.output;
  EXPECT_EQ(without_seconds(Json::parse(read_text(dir.path("one") + "/summary.json"))),
            without_seconds(Json::parse(read_text(dir.path("two") + "/summary.json"))));
  EXPECT_EQ(read_text(dir.path("one") + "/pareto.csv"), read_text(dir.path("two") + "/pareto.csv"));
  // Options that split the points another way are refused on every rank, reported once.
  r = test::run_on_two_ranks("explore --study " + study + " --out " + dir.path("three") +
                             " --point 0/2");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  const std::string error = "duet explore: error: under an MPI launcher";
  const auto first = r.output.find(error);
  EXPECT_NE(first, std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(error, first + 1), std::string::npos) << r.output;
}

TEST(ExploreFixed, BadFixedStudiesExitWithCodeTwoNamingTheField) {
  TempDir dir;
  const std::string space = fixed_space(dir);
  Json missing = read_json_file(space);
  missing["network"]["workloads"][1]["workload"] = dir.path("gone.json");
  Json recast = read_json_file(space);
  recast["network"]["workloads"][0] = {
      {"name", "s"}, {"recast", dir.path("no-run")}, {"role", "student"}};
  Json slash = read_json_file(space);
  slash["network"]["workloads"][0]["name"] = "../up";
  Json broken = read_json_file(space);
  broken["network"]["workloads"][1]["workload"] = dir.file("broken-workload.json", "{\"name\": 1}");
  const std::vector<std::pair<Json, std::string>> cases = {
      {{{"space", dir.file("missing.json", missing.dump())}}, "workloads[1]"},
      {{{"space", dir.file("recast.json", recast.dump())}}, "duet recast"},
      {{{"hardware_mode", "generator"}}, "hardware_mode"},
      {{{"space", dir.file("slash.json", slash.dump())}}, "workloads[0].name"},
      {{{"space", dir.file("broken.json", broken.dump())}}, "workloads[1].workload"},
      {{{"baselines", {"accuracy-first"}}}, "baselines[0]"},
  };
  for (const auto& [patch, field] : cases) {
    Json study = fixed_study(dir, space);
    study.merge_patch(patch);
    const auto r = run_duet("explore --study " + dir.file("s.json", study.dump()) + " --out " +
                            dir.path("out"));
    EXPECT_EQ(r.exit_code, 2) << patch.dump() << "\n" << r.output;
    EXPECT_NE(r.output.find(field), std::string::npos) << patch.dump() << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  }
}

// The tiny space has 6 networks: the generator learns 5 and is checked on the sixth.
Json generator_study(const TempDir& dir) {
  return {{"name", "generator-tiny"},
          {"space", kTinySpace},
          {"evaluator", {{"dir", dir.path("eval")}, {"samples", 300}, {"epochs", 80}}},
          {"objective", {{"kind", "edp"}}},
          {"lambdas", {0.5}},
          {"hardware_mode", "generator"},
          {"generator",
           {{"train_networks", 5}, {"check_networks", 1}, {"epochs", 200}, {"check_top", 3}}},
          {"budget",
           {{"train_images", 1000},
            {"search_images", 256},
            {"test_images", 500},
            {"warmup_epochs", 1},
            {"search_epochs", 1},
            {"derived_epochs", 1},
            {"batch", 64},
            {"score_images", 128}}},
          {"baselines", {"accuracy-first"}},
          {"seed", 0}};
}

TEST(ExploreGenerator, LearnsTheExhaustiveOptimumAndRefusesAnEditedModel) {
  TempDir dir;
  const std::string out = dir.path("out");
  const std::string study = dir.file("s.json", generator_study(dir).dump(2));
  auto r = run_duet("explore --study " + study + " --out " + out + " --prepare");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json check = Json::parse(read_text(out + "/generator/check.json"));
  ASSERT_EQ(check["networks"], 1);
  // The held-out network's generated hardware, re-simulated, is within 5% of the best of the
  // evaluator's top 3 designs, re-simulated.
  EXPECT_LE(check["rows"][0]["objective_ratio"].get<double>(), 1.05) << check.dump();
  EXPECT_EQ(check["within_tolerance"], 1);
  EXPECT_EQ(check["evaluator_calls"], 32);
  // The labels are the exhaustive optimum of each training network (one grid each).
  const Json labels = Json::parse(read_text(out + "/generator/labels-0.json"));
  EXPECT_EQ(labels["networks"].size(), 5u);
  EXPECT_EQ(labels["hardware"].size(), 5u);

  // The co-search point runs through the generator; its derived design is proved like any.
  r = run_duet("explore --study " + study + " --out " + out + " --resume");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json summary = Json::parse(read_text(out + "/summary.json"));
  ASSERT_EQ(summary["points"].size(), 1u);
  EXPECT_EQ(summary["points"][0]["evaluator_calls"].get<int64_t>() %
                (4 * (1 + summary["points"][0]["refinements"].get<int64_t>())),
            0);  // 4 steps per search
  EXPECT_EQ(summary["generator_check"]["networks"], 1);
  EXPECT_FALSE(summary["generator_check"].contains("rows"));

  // A too-large network sample is a study error, before any work.
  Json big = generator_study(dir);
  big["generator"]["train_networks"] = 6;
  r = run_duet("explore --study " + dir.file("big.json", big.dump()) + " --out " + dir.path("o2"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("generator.train_networks"), std::string::npos) << r.output;

  // A generator trained for another study (here: another width) is refused, naming the field.
  const std::string sidecar = out + "/generator/generator.pt.json";
  const std::string kept = read_text(sidecar);
  Json other = Json::parse(kept);
  other["study_key"]["hidden"] = 16;
  std::ofstream(sidecar) << other.dump();
  std::filesystem::remove_all(out + "/points");
  r = run_duet("explore --study " + study + " --out " + out + " --resume");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("study_key"), std::string::npos) << r.output;
  std::ofstream(sidecar) << kept;

  // A weights file that no longer matches its recorded hash is refused, naming the file.
  std::ofstream(out + "/generator/generator.pt", std::ios::app) << "x";
  std::filesystem::remove_all(out + "/points");
  r = run_duet("explore --study " + study + " --out " + out + " --resume");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("generator.pt"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace duet
