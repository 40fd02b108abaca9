// Co-exploration (duet explore): the relaxed cost's gradients, the search's behaviour with cost
// only and with accuracy only, hard constraints, derived designs that reproduce in `duet sim`,
// resume and determinism, and bad studies. Everything runs on a 192-design space.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/coexplore/cost.hpp"
#include "models/coexplore/explore.hpp"
#include "models/coexplore/hardware_grid.hpp"
#include "models/coexplore/study.hpp"
#include "models/coexplore/summary.hpp"
#include "models/evaluator/evaluator.hpp"
#include "models/evaluator/evaluator_files.hpp"
#include "sim/dse/dataset.hpp"
#include "sim/dse/dataset_table.hpp"
#include "sim/dse/sampled_hardware.hpp"
#include "sim/simulate.hpp"
#include "test_util.hpp"

namespace duet::coexplore {
namespace {

using test::expect_reproducible_in_duet_sim;
using test::read_text;
using test::run_duet;
using test::TempDir;
using test::without_seconds;

const std::string kTinySpace = test::tiny_explore_space();

Json tiny_study(const TempDir& dir) {
  return {{"name", "tiny"},
          {"space", kTinySpace},
          {"evaluator", {{"dir", dir.path("eval")}, {"samples", 300}, {"epochs", 80}}},
          {"objective", {{"kind", "edp"}}},
          {"lambdas", {0.5}},
          {"budget",
           {{"train_images", 2000},
            {"search_images", 256},
            {"test_images", 500},
            {"warmup_epochs", 1},
            {"search_epochs", 2},
            {"derived_epochs", 3},
            {"weight_learning_rate", 0.01},
            {"batch", 64},
            {"random_samples", 8},
            {"score_images", 128}}},
          {"baselines", {"accuracy-first", "random"}},
          {"seed", 0},
          {"quick", {{"budget", {{"train_images", 1500}}}}}};
}

std::string write_study(const TempDir& dir, const Json& study, const std::string& name = "s.json") {
  return dir.file(name, study.dump(2));
}

// The tiny space's evaluator, trained on simulated samples as a study would build it.
std::string tiny_evaluator(const TempDir& dir) {
  DatasetOptions d;
  d.space_path = kTinySpace;
  d.out_path = dir.path("data.csv");
  d.samples = 300;
  d.jobs = 2;
  generate_dataset(d);
  EvaluatorTrainOptions t;
  t.data_path = d.out_path;
  t.space_path = kTinySpace;
  t.out_dir = dir.path("eval");
  t.epochs = 80;
  train_evaluator(t);
  return t.out_dir;
}

// The lowest log EDP the evaluator predicts over the tiny space's 6 networks x its whole
// hardware grid.
double cheapest_tiny_design(const Evaluator& evaluator, const SearchSpace& space, int64_t& calls) {
  double best = INFINITY;
  for (int b0 = 0; b0 < 2; ++b0) {
    for (int b1 = 0; b1 < 3; ++b1) {
      const auto top = rank_hardware(evaluator, space, {b0, b1}, Objective{}, {}, 1.0, 1, calls);
      best = std::min(best, top.at(0).log_objective);
    }
  }
  return best;
}

std::vector<std::vector<double>> arbitrary_softmax_rows(const Evaluator& evaluator) {
  std::vector<std::size_t> sizes;
  for (const auto& d : evaluator.schema().dimensions()) sizes.push_back(d.choices.size());
  return test::softmax_rows(sizes, 1.3);
}

TEST(ExploreCost, ObjectiveAndPenaltyGradientsMatchFiniteDifferences) {
  TempDir dir;
  const Evaluator evaluator = Evaluator::load(tiny_evaluator(dir));
  const auto weights = arbitrary_softmax_rows(evaluator);
  const RelaxedPrediction at = evaluator.predict_relaxed(weights);
  const LogCombination edp = objective_combination(Objective{});
  // Limits below the current values, so every penalty term is active.
  const std::vector<Constraint> limits = {{"latency_s", 0.5 * at.values[0]},
                                          {"area_mm2", 0.8 * at.values[2]}};
  ASSERT_GT(constraint_penalty(limits, at.values), 0);
  const auto g_objective = log_gradient(edp, at);
  const auto g_penalty = constraint_penalty_gradient(limits, at);
  const double h = 1e-3;
  int checked = 0;
  for (std::size_t d = 0; d < weights.size(); ++d) {
    for (std::size_t c = 0; c < weights[d].size(); ++c) {
      auto plus = weights, minus = weights;
      plus[d][c] += h;
      minus[d][c] -= h;
      const CostVector up = evaluator.predict_relaxed(plus).values;
      const CostVector down = evaluator.predict_relaxed(minus).values;
      const double objective = (log_value(edp, up) - log_value(edp, down)) / (2 * h);
      const double penalty =
          (constraint_penalty(limits, up) - constraint_penalty(limits, down)) / (2 * h);
      EXPECT_NEAR(g_objective[d][c], objective, 2e-2 * std::fabs(objective) + 2e-3)
          << d << "," << c;
      EXPECT_NEAR(g_penalty[d][c], penalty, 2e-2 * std::fabs(penalty) + 2e-3) << d << "," << c;
      ++checked;
    }
  }
  EXPECT_EQ(checked, evaluator.schema().choice_count());
}

TEST(ExploreCost, OneHotChoicesGiveExactlyTheHardPrediction) {
  TempDir dir;
  const Evaluator evaluator = Evaluator::load(tiny_evaluator(dir));
  const SearchSpace space = load_search_space(kTinySpace);
  for (int i = 0; i < 5; ++i) {
    const Sample s = draw_sample(space, 11, i);
    std::vector<std::vector<double>> rows;
    for (std::size_t d = 0; d < space.hardware.size(); ++d) {
      rows.emplace_back(space.hardware[d].values.size(), 0.0);
      rows.back()[s.hardware[d]] = 1;
    }
    for (std::size_t b = 0; b < space.network.blocks.size(); ++b) {
      rows.emplace_back(space.network.blocks[b].options.size(), 0.0);
      rows.back()[s.blocks[b]] = 1;
    }
    const CostVector relaxed = evaluator.predict_relaxed(rows).values;
    const CostVector hard = evaluator.predict({s}).at(0);
    for (int t = 0; t < 4; ++t) EXPECT_NEAR(relaxed[t], hard[t], 1e-5 * hard[t]);
    EXPECT_NEAR(metric_value("edp_js", hard), hard[0] * hard[1], 1e-9 * hard[0] * hard[1]);
  }
}

TEST(ExploreSearch, CostOnlyReachesTheCheapestDesignTheEvaluatorKnows) {
  TempDir dir;
  const std::string model = tiny_evaluator(dir);
  Json study = tiny_study(dir);
  study["budget"]["search_images"] = 5000;  // 200 steps of 50: no images are read
  study["budget"]["batch"] = 50;
  study["budget"]["score_images"] = 100;
  const CostOnlyResult found = search_cost_only(write_study(dir, study), model, 1.0, 3);
  EXPECT_EQ(found.evaluator_calls, 200);

  const Evaluator evaluator = Evaluator::load(model);
  const SearchSpace space = load_search_space(kTinySpace);
  const LogCombination edp = objective_combination(Objective{});
  int64_t calls = 0;
  const double best = cheapest_tiny_design(evaluator, space, calls);
  EXPECT_EQ(calls, 6 * hardware_grid_size(space));
  const double reached =
      log_value(edp, evaluator.predict({{0, found.hardware, found.blocks}}).at(0));
  EXPECT_NEAR(reached, best, 1e-6) << "the search stopped at a design the evaluator prices higher";
}

// #22: aging evolution with the cost all but alone in its score (lambda 1000 against a
// cross-entropy of about 2) reaches the design the evaluator prices lowest in the tiny joint
// space (6 networks x 32 hardware points) within half its size of scored pairs.
TEST(ExploreSearch, EvolutionAtACostOnlyObjectiveReachesTheCheapestDesign) {
  TempDir dir;
  const std::string model = tiny_evaluator(dir);
  Json study = tiny_study(dir);
  study["lambdas"] = {1000};
  study["baselines"] = {"evolution"};
  study["budget"]["random_samples"] = 96;
  study["budget"]["evolution_population"] = 8;
  study["budget"]["evolution_tournament"] = 3;
  study["surrogate_tolerance"] = 10;  // no refinement: the pick is the base evaluator's
  const std::string out = dir.path("out");
  const auto r = run_duet("explore --study " + write_study(dir, study) + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json summary = Json::parse(read_text(out + "/summary.json"));
  const Json& evolution = summary["baselines"][0];
  ASSERT_EQ(evolution["kind"], "evolution");
  // Per round: 96 scored pairs, then the final step's grid of 32.
  EXPECT_EQ(evolution["evaluator_calls"].get<int64_t>(),
            (96 + 32) * (1 + evolution["refinements"].get<int64_t>()));
  const SearchSpace space = load_search_space(kTinySpace);
  Sample pick;
  for (const auto& block : space.network.blocks) {
    const auto& options = block.options;
    const std::string chosen = evolution["network"][block.name];
    pick.blocks.push_back(
        static_cast<int>(std::find(options.begin(), options.end(), chosen) - options.begin()));
  }
  for (const auto& dim : space.hardware) {
    const auto& values = dim.values;
    const Json chosen = evolution["raw_pick"]["hardware"][dim.name];
    pick.hardware.push_back(
        static_cast<int>(std::find(values.begin(), values.end(), chosen) - values.begin()));
  }
  const Evaluator evaluator = Evaluator::load(model);
  const LogCombination edp = objective_combination(Objective{});
  int64_t calls = 0;
  const double best = cheapest_tiny_design(evaluator, space, calls);
  EXPECT_NEAR(log_value(edp, evaluator.predict({pick}).at(0)), best, 1e-6)
      << "evolution stopped at a design the evaluator prices higher";
}

TEST(ExploreStudy, QuickRunIsResumableDeterministicAndReproducibleInDuetSim) {
  TempDir dir;
  const std::string study = write_study(dir, tiny_study(dir));
  const std::string a = dir.path("a"), b = dir.path("b");
  auto r = run_duet("explore --study " + study + " --out " + a + " --quick");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_duet("explore --study " + study + " --out " + b + " --quick --stop-after 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(std::filesystem::exists(b + "/summary.json"));
  r = run_duet("explore --study " + study + " --out " + b + " --quick --resume");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("1 kept from an earlier run"), std::string::npos) << r.output;

  const Json summary = Json::parse(read_text(a + "/summary.json"));
  EXPECT_EQ(without_seconds(summary), without_seconds(Json::parse(read_text(b + "/summary.json"))));
  EXPECT_EQ(read_text(a + "/pareto.csv"), read_text(b + "/pareto.csv"));
  ASSERT_EQ(summary["points"].size(), 1u);
  ASSERT_EQ(summary["baselines"].size(), 2u);
  for (const Json& entry : summary["points"]) expect_reproducible_in_duet_sim(a, entry);
  for (const Json& entry : summary["baselines"]) expect_reproducible_in_duet_sim(a, entry);
  for (const Json& e : summary["baselines"]) {
    // Learning happened: three epochs on 1500 images are far above chance (0.1).
    EXPECT_GT(e["accuracy"].get<double>(), 0.3) << e["id"];  // three times chance
    EXPECT_GT(e["evaluator_calls"].get<int64_t>(), 0);
    EXPECT_TRUE(e["constraints_met"].get<bool>());
  }
  // The accuracy-first baseline's second stage searched the whole hardware grid, once per
  // search (refinement searches again).
  const Json& first = summary["baselines"][0];
  EXPECT_EQ(first["evaluator_calls"].get<int64_t>(), 32 * (1 + first["refinements"].get<int>()));
  // #22: the hypervolume above accuracy-first's accuracy minus one point, per kind, and
  // co-exploration against every baseline.
  EXPECT_EQ(summary["simulator"]["schedule"], "overlap");  // #21: the study records it
  EXPECT_EQ(summary["simulator"]["simulator_version"], kSimulatorVersion);
  const Json& comparison = summary["comparison"];
  const double floor = comparison["floor"]["accuracy"].get<double>();
  EXPECT_NEAR(floor, first["accuracy"].get<double>() - 0.01, 1e-12);
  const Design reference{floor, comparison["floor"]["edp_js"].get<double>()};
  for (const Json& e : summary["baselines"]) {
    const Design d{e["accuracy"].get<double>(), e["simulated"]["edp_js"].get<double>()};
    EXPECT_NEAR(comparison["hypervolume_above_floor"][e["kind"].get<std::string>()].get<double>(),
                hypervolume({d}, reference), 1e-12);
    EXPECT_TRUE(comparison["coexplore_against"].contains(e["kind"].get<std::string>()));
  }
  EXPECT_EQ(comparison["edp_at_accuracy"]["accuracy-first"]["0.25"],
            first["simulated"]["edp_js"]);  // its own design is in its window
  // #22: every method ends with the same hardware step; co-exploration's own pick is reported
  // beside it, and the step never keeps a design its objective (EDP) prices above that pick.
  const Json& coexplore = summary["points"][0];
  ASSERT_TRUE(coexplore.contains("raw_pick"));
  const Json& raw = coexplore["raw_pick"];
  EXPECT_EQ(raw["kept"].get<bool>(), raw["hardware"] == coexplore["hardware"]);
  if (!raw["simulated"].is_null() && coexplore["constraints_met"].get<bool>()) {
    EXPECT_LE(coexplore["simulated"]["edp_js"].get<double>(),
              raw["simulated"]["edp_js"].get<double>() * (1 + 1e-12));
  }
  EXPECT_TRUE(std::filesystem::exists(a + "/points/00-coexplore/search_log.csv"));
  EXPECT_TRUE(std::filesystem::exists(a + "/points/00-coexplore/derived.pt"));

  // #21: merge's outputs commit together: a pareto.csv that cannot be written leaves no
  // summary.json either.
  std::filesystem::remove(a + "/summary.json");
  std::filesystem::remove(a + "/pareto.csv");
  std::filesystem::create_directory(a + "/pareto.csv");
  r = run_duet("explore merge --out " + a);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_FALSE(std::filesystem::exists(a + "/summary.json"));
}

// #22: a study with two seeds runs each in seed-<s>/ with its own split and searches, compares
// the methods paired by seed, and resumes after a kill in the middle of the second seed to the
// same summary.
TEST(ExploreStudy, SeedsArePairedAndResumable) {
  TempDir dir;
  const std::string study = write_study(dir, tiny_study(dir));
  const std::string a = dir.path("a"), b = dir.path("b");
  auto r = run_duet("explore --study " + study + " --out " + a + " --quick --seeds 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string log0 = read_text(a + "/seed-0/points/00-coexplore/search_log.csv");
  EXPECT_NE(log0, read_text(a + "/seed-1/points/00-coexplore/search_log.csv"))
      << "two seeds searched alike";
  // Three points per seed: stopping after four leaves the second seed half done.
  r = run_duet("explore --study " + study + " --out " + b + " --quick --seeds 2 --stop-after 4");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(std::filesystem::exists(b + "/summary.json"));
  r = run_duet("explore --study " + study + " --out " + b + " --quick --seeds 2 --resume");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json summary = Json::parse(read_text(a + "/summary.json"));
  EXPECT_EQ(without_seconds(summary), without_seconds(Json::parse(read_text(b + "/summary.json"))));
  EXPECT_EQ(read_text(a + "/pareto.csv"), read_text(b + "/pareto.csv"));
  // Two workers claiming points longest first give the same bytes, and leave no claims.
  const std::string c = dir.path("c");
  r = run_duet("explore --study " + study + " --out " + c + " --quick --seeds 2 --jobs 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(without_seconds(summary), without_seconds(Json::parse(read_text(c + "/summary.json"))));
  for (const auto& f : std::filesystem::recursive_directory_iterator(c))
    EXPECT_NE(f.path().extension(), ".claim") << f.path();
  EXPECT_EQ(summary["seeds"], 2);
  for (const char* baseline : {"accuracy-first", "random"}) {
    const Json& v = summary["coexplore_against"][baseline]["hypervolume_above_floor"];
    EXPECT_EQ(v["seeds"], 2) << baseline;
    EXPECT_LE(v["low"].get<double>(), v["mean_difference"].get<double>());
    EXPECT_GE(v["high"].get<double>(), v["mean_difference"].get<double>());
    const std::string verdict = v["verdict"];
    EXPECT_TRUE(verdict == "win" || verdict == "tie" || verdict == "loss") << verdict;
  }
  for (const Json& row : summary["designs"])
    for (const char* m : {"accuracy", "edp_js", "latency_s", "area_mm2"})
      EXPECT_EQ(row[m]["seeds"], 2) << row["kind"] << " " << m;
  // The pairing is by seed: the seeds' own comparisons are kept beside the verdicts.
  ASSERT_EQ(summary["per_seed"].size(), 2u);
  EXPECT_EQ(summary["per_seed"][1]["seed"], 1);
  // A single-seed run into a multi-seed --out, or the other way round, is refused.
  r = run_duet("explore --study " + study + " --out " + a + " --quick --seeds 3 --resume");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("seeds.json"), std::string::npos) << r.output;
}

// #22: a network is trained with a seed keyed to the network, once per study seed, so two
// methods (or two lambdas) that derive the same network report the same accuracy.
TEST(ExploreStudy, IdenticalNetworksGetIdenticalAccuracies) {
  TempDir dir;
  Json study = tiny_study(dir);
  study["lambdas"] = {0.5, 0.55};  // random's pick rarely changes between them
  study["baselines"] = {"random"};
  const std::string out = dir.path("out");
  const auto r = run_duet("explore --study " + write_study(dir, study) + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json summary = Json::parse(read_text(out + "/summary.json"));
  std::vector<Json> entries;
  for (const char* list : {"points", "baselines"})
    for (const Json& e : summary[list]) entries.push_back(e);
  int shared = 0;
  for (std::size_t i = 0; i < entries.size(); ++i)
    for (std::size_t j = i + 1; j < entries.size(); ++j)
      if (entries[i]["network"] == entries[j]["network"]) {
        ++shared;
        EXPECT_EQ(entries[i]["accuracy"], entries[j]["accuracy"])
            << entries[i]["id"] << " and " << entries[j]["id"];
      }
  ASSERT_GT(shared, 0) << "no two points derived the same network: the test needs another setup";
  std::size_t trained = 0;
  for (const auto& f : std::filesystem::directory_iterator(out + "/trained")) trained += f.exists();
  EXPECT_LT(trained, entries.size()) << "a shared network was trained more than once";
}

TEST(ExploreStudy, ConstrainedPointsMeetEveryLimitOnReSimulation) {
  TempDir dir;
  // Limits at the median latency and area of the largest network over the hardware grid, so
  // that about half of the grid violates each.
  const SearchSpace space = load_search_space(kTinySpace);
  const AcceleratorConfig base = load_accelerator(space.base_config);
  std::vector<double> latency, area;
  for (int64_t i = 0; i < hardware_grid_size(space); ++i) {
    std::vector<int> hw;
    for (int64_t rest = i; hw.size() < space.hardware.size(); rest /= 2) hw.push_back(rest % 2);
    const Sample s{i, hw, {1, 1}};
    const Report r = simulate(sampled_accelerator(base, space, s), sample_workload(space, s));
    latency.push_back(r.latency_s);
    area.push_back(r.area_mm2);
  }
  std::sort(latency.begin(), latency.end());
  std::sort(area.begin(), area.end());
  Json study = tiny_study(dir);
  study["constraints"] = {{"latency_s", latency[latency.size() / 2]},
                          {"area_mm2", area[area.size() / 2]}};
  study["lambdas"] = {0.0, 0.5};
  study["baselines"] = {"random"};
  const std::string out = dir.path("out");
  const auto r = run_duet("explore --study " + write_study(dir, study) + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json summary = Json::parse(read_text(out + "/summary.json"));
  Json all = summary["points"];
  for (const Json& e : summary["baselines"]) all.push_back(e);
  ASSERT_EQ(all.size(), 4u);
  for (const Json& e : all) {
    EXPECT_TRUE(e["constraints_met"].get<bool>()) << e.dump();
    EXPECT_LE(e["simulated"]["latency_s"].get<double>(), latency[latency.size() / 2]) << e["id"];
    EXPECT_LE(e["simulated"]["area_mm2"].get<double>(), area[area.size() / 2]) << e["id"];
    expect_reproducible_in_duet_sim(out, e);
  }
}

TEST(ExploreSearch, WithoutCostAlphaPrefersTheWiderBlockOverSkip) {
  TempDir dir;
  Json study = tiny_study(dir);
  study["lambdas"] = {0.0};
  study["baselines"] = {"random"};
  study["budget"]["search_images"] = 1000;
  study["budget"]["warmup_epochs"] = 2;
  study["budget"]["derived_epochs"] = 1;
  study["budget"]["arch_learning_rate"] = 0.1;
  const std::string out = dir.path("out");
  const auto r = run_duet("explore --study " + write_study(dir, study) + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string log = read_text(out + "/points/00-coexplore/search_log.csv");
  std::vector<std::string> lines;
  std::stringstream in(log);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_GT(lines.size(), 2u);
  const auto names = split_csv_line(lines.front()), values = split_csv_line(lines.back());
  auto column = [&](const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    EXPECT_NE(it, names.end()) << name;
    return std::stod(values.at(static_cast<std::size_t>(it - names.begin())));
  };
  const double wide = column("alpha:stage1.block2=k3_e4");
  const double skip = column("alpha:stage1.block2=skip");
  EXPECT_GT(wide, skip);
  EXPECT_LT(skip, 1.0 / 3 - 0.1) << "alpha barely moved away from skip (uniform is 1/3)";
  const Json point = Json::parse(read_text(out + "/points/00-coexplore/point.json"));
  EXPECT_NE(point["network"]["stage1.block2"], "skip");
}

// #21: an earlier run's results survive every rerun that fails, and a rerun without --resume
// refuses unless --force, which moves them aside instead of deleting them.
TEST(ExploreKeptResults, ARerunNeverDeletesEarlierResults) {
  namespace fs = std::filesystem;
  TempDir dir;
  const std::string out = dir.path("out");
  fs::create_directories(out + "/points/00-coexplore");
  for (const char* file : {"/summary.json", "/pareto.csv", "/points/00-coexplore/point.json"})
    std::ofstream(out + file) << "earlier";
  auto expect_kept = [&](const std::string& why) {
    for (const char* file : {"/summary.json", "/pareto.csv", "/points/00-coexplore/point.json"})
      EXPECT_EQ(read_text(out + file), "earlier") << why << ": " << file;
    EXPECT_FALSE(fs::exists(out + "/replaced")) << why;
  };
  // An evaluator.dir that is a regular file: named with the study file and the field.
  Json study = tiny_study(dir);
  study["evaluator"]["dir"] = dir.file("not-a-dir", "x");
  auto r = run_duet("explore --study " + write_study(dir, study, "file.json") + " --out " + out +
                    " --quick --force");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("file.json: evaluator.dir"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  expect_kept("evaluator.dir is a file");
  // A corrupt evaluator fails to load before anything in --out is touched.
  fs::create_directories(dir.path("broken"));
  std::ofstream(dir.path("broken/evaluator.json")) << "{\"format\": 1}";
  std::ofstream(dir.path("broken/evaluator.pt")) << "not a torch archive";
  study["evaluator"]["dir"] = dir.path("broken");
  r = run_duet("explore --study " + write_study(dir, study, "broken.json") + " --out " + out +
               " --quick --force");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  expect_kept("corrupt evaluator");
  // Without --resume or --force: refused before any evaluator is built.
  const std::string good = write_study(dir, tiny_study(dir));
  r = run_duet("explore --study " + good + " --out " + out + " --quick");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--resume"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--force"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir.path("eval")));
  expect_kept("no --force");
  // An --out that is the evaluator's directory would mix the two.
  Json into_evaluator = tiny_study(dir);
  into_evaluator["evaluator"]["dir"] = out;
  r = run_duet("explore --study " + write_study(dir, into_evaluator, "same.json") + " --out " +
               out + " --quick --force");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("is the study's evaluator.dir"), std::string::npos) << r.output;
  expect_kept("--out is evaluator.dir");
  // --force moves them aside, once everything has loaded (--prepare: the shared parts only).
  r = run_duet("explore --study " + good + " --out " + out + " --quick --force --prepare");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(out + "/replaced/1"), std::string::npos) << r.output;
  for (const char* file : {"/summary.json", "/pareto.csv", "/points/00-coexplore/point.json"})
    EXPECT_EQ(read_text(out + "/replaced/1" + file), "earlier") << file;
  EXPECT_FALSE(fs::exists(out + "/summary.json"));
  EXPECT_TRUE(fs::exists(out + "/study.json"));
}

// An evaluator trained on another simulator's data (duet-sim-1, whose default schedule was
// sequential) is moved aside, never deleted, and rebuilt on the next run.
TEST(ExploreKeptResults, AStaleEvaluatorIsMovedAsideAndRebuilt) {
  TempDir dir;
  const std::string eval = tiny_evaluator(dir);
  Json sidecar = Json::parse(read_text(eval + "/evaluator.json"));
  EXPECT_EQ(sidecar["dataset"]["simulator_version"], kSimulatorVersion);
  sidecar["dataset"]["simulator_version"] = "duet-sim-1";
  sidecar["dataset"]["schedule"] = "sequential";
  // As duet-sim-1 wrote it: its integrity hashes hold (an edited sidecar is refused instead).
  sidecar["integrity"] = evaluator_integrity(sidecar, eval + "/evaluator.pt");
  std::ofstream(eval + "/evaluator.json") << sidecar.dump();
  const std::string study = write_study(dir, tiny_study(dir));
  const auto r = run_duet("explore --study " + study + " --out " + dir.path("out") +
                          " --quick --stop-after 0");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("is stale (its data came from duet-sim-1 under the sequential"),
            std::string::npos)
      << r.output;
  const Json old = Json::parse(read_text(eval + "/replaced/1/evaluator.json"));
  EXPECT_EQ(old["dataset"]["simulator_version"], "duet-sim-1");
  const Json rebuilt = Json::parse(read_text(eval + "/evaluator.json"));
  EXPECT_EQ(rebuilt["dataset"]["simulator_version"], kSimulatorVersion);
  EXPECT_EQ(rebuilt["dataset"]["schedule"], "overlap");
  // A sidecar that does not say where its data came from is stale too, not a raw JSON error
  // (#21 probe: "cannot use value() with null").
  for (const Json& dataset : {Json(nullptr), Json({{"schedule", 1}})}) {
    Json edited = rebuilt;
    edited["dataset"] = dataset;
    edited["integrity"] = evaluator_integrity(edited, eval + "/evaluator.pt");
    std::ofstream(eval + "/evaluator.json") << edited.dump();
    const auto again = run_duet("explore --study " + study + " --out " + dir.path("out") +
                                " --quick --stop-after 0 --resume");
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("does not record its data's simulator version"), std::string::npos)
        << again.output;
  }
  EXPECT_TRUE(std::filesystem::exists(eval + "/replaced/3/evaluator.json"));
}

// Every shipped study loads, plain and --quick; the #22 studies run five seeds with every
// baseline (evolution included) and their --quick variants one.
TEST(ExploreStudy, ShippedStudiesLoad) {
  const std::filesystem::path here = std::filesystem::current_path();
  std::filesystem::current_path(test::source_path(""));  // their paths are relative to it
  for (const auto& f : std::filesystem::directory_iterator("configs/studies")) {
    // Its space names a recast student that `duet recast` makes first (docs/explore.md).
    if (f.path().stem() == "fixed-recast-student") continue;
    SCOPED_TRACE(f.path().string());
    EXPECT_NO_THROW(load_study(f.path().string(), false));
    EXPECT_NO_THROW(load_study(f.path().string(), true));
  }
  for (const char* name : {"cnn-fmnist-edp", "cnn-fmnist-edap", "vit-fmnist-lut"}) {
    const std::string path = std::string("configs/studies/") + name + ".json";
    const Study plain = load_study(path, false);
    EXPECT_EQ(plain.seeds, 5) << name;
    EXPECT_EQ(load_study(path, true).seeds, 1) << name;
    EXPECT_NE(std::find(plain.baselines.begin(), plain.baselines.end(), "evolution"),
              plain.baselines.end())
        << name;
  }
  EXPECT_EQ(load_study("configs/studies/cnn-fmnist-edap.json", false).objective.kind, "edap");
  std::filesystem::current_path(here);
}

TEST(ExploreBadInput, StudiesExitWithCodeTwoNamingTheField) {
  TempDir dir;
  const std::string out = dir.path("out");
  const std::vector<std::pair<Json, std::string>> cases = {
      {{{"space", "no-such-space.json"}}, "space"},
      {{{"lambdas", {0.1, -1}}}, "lambdas[1]"},
      {{{"lambdas", Json::array()}}, "lambdas"},
      {{{"constraints", {{"throughput", 5}}}}, "throughput"},
      {{{"baselines", Json::array()}}, "baselines"},
      {{{"baselines", {"exhaustive"}}}, "baselines[0]"},
      {{{"objective", {{"kind", "fast"}}}}, "objective"},
      {{{"lamdas", {0.1}}}, "lamdas"},
      {{{"budget", {{"batch", 0}}}}, "batch"},
      {{{"budget", {{"score_images", 300}}}}, "score_images"},
      {{{"lambdas", {0.1, 0.1}}}, "lambdas[1]"},
      {{{"quick", {{"quick", nullptr}, {"lambdas", {-1}}}}}, "lambdas[0]"},
      {{{"quick", 5}}, "quick"},
      {{{"quick", {{"budget", {{"batch", 0}}}}}}, "batch"},
      {{{"constraints", {{"power", 1}}}}, "latency_s"},  // the allowed metrics are listed
      {{{"evaluator", {{"dir", std::string("ev\0al", 5)}}}}, "NUL"},
      {{{"seeds", 0}}, "seeds"},  // #22
      {{{"seeds", -3}}, "seeds"},
      {{{"seeds", 101}}, "seeds"},
      {{{"final_hardware_top", 0}}, "final_hardware_top"},
      {{{"baselines", {"evolution", "bogus"}}}, "baselines[1]"},
      {{{"baselines", {"evolution"}}, {"budget", {{"evolution_population", 9}}}},
       "evolution_population"},  // above random_samples, 8
      {{{"baselines", {"evolution"}},
        {"budget", {{"evolution_population", 8}, {"evolution_tournament", 9}}}},
       "evolution_tournament"},
  };
  for (const auto& [patch, field] : cases) {
    Json study = tiny_study(dir);
    study.merge_patch(patch);
    const auto r = run_duet("explore --study " + write_study(dir, study) + " --out " + out);
    EXPECT_EQ(r.exit_code, 2) << patch.dump() << "\n" << r.output;
    EXPECT_NE(r.output.find(field), std::string::npos) << patch.dump() << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  }
  // A value the --quick overrides replace is still checked (#21).
  Json replaced = tiny_study(dir);
  replaced["lambdas"] = {-5};
  replaced["quick"]["lambdas"] = {0.5};
  auto q = run_duet("explore --study " + write_study(dir, replaced) + " --out " + out + " --quick");
  EXPECT_EQ(q.exit_code, 2) << q.output;
  EXPECT_NE(q.output.find("lambdas[0]"), std::string::npos) << q.output;
  const std::string good = write_study(dir, tiny_study(dir));
  for (const std::string& args :
       {"--out " + out + " --point 2/2", "--out " + out + " --point x",
        "--out " + out + " --point \" 0/2\"", "--out " + out + " --force --resume",
        "--out " + out + " --jobs 0", "--out " + out + " --seeds 0", "--out " + out + " --seeds -1",
        std::string("--out /proc/duet")}) {
    const auto r = run_duet("explore --study " + good + " " + args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path("eval"))) << "bad input must fail before work";

  // Found by a hostile-input probe: an empty --out or --point must not run (or delete) anything.
  for (const std::string& args :
       {std::string("--out \"\""), "--out " + out + " --point /", "--out " + out + " --point \"\"",
        "--out " + out + " --stop-after -5"}) {
    const auto r = run_duet("explore --study " + good + " " + args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
  }
  // A --resume into another study's output is refused before any evaluator is built.
  std::filesystem::create_directories(out);
  std::ofstream(out + "/study.json")
      << R"({"format": "duet-explore-1", "study": {"name": "other"}})";
  auto r = run_duet("explore --study " + good + " --out " + out + " --resume");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("another study"), std::string::npos) << r.output;
  // A directory whose study.json duet explore did not write is not cleared.
  std::ofstream(out + "/study.json") << R"({"mine": true})";
  std::ofstream(out + "/summary.json") << "keep";
  r = run_duet("explore --study " + good + " --out " + out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(read_text(out + "/summary.json"), "keep");
  // merge on a study.json that is not what explore writes: one line, exit 2.
  std::ofstream(out + "/study.json")
      << R"({"points": [], "hypervolume_reference": {}, "study": {}})";
  r = run_duet("explore merge --out " + out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path("eval")));
}

}  // namespace
}  // namespace duet::coexplore

namespace duet::coexplore {
namespace {

TEST(ExploreStudy, RefinementNarrowsTheSurrogateGapOfDerivedDesigns) {
  TempDir dir;
  Json study = tiny_study(dir);
  study["surrogate_tolerance"] = 0.01;  // tighter than the tiny evaluator manages
  study["refinement"] = {{"rounds", 2}, {"epochs", 20}, {"copies", 10}};
  study["baselines"] = {"random"};
  const std::string out = dir.path("out");
  const auto r = run_duet("explore --study " + write_study(dir, study) + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Json point = Json::parse(read_text(out + "/points/00-coexplore/point.json"));
  auto worst = [](const Json& gap) {
    double w = 0;
    for (const auto& [metric, value] : gap.items()) w = std::max(w, value.get<double>());
    return w;
  };
  const double before = worst(point["surrogate_gap_before_refinement"]);
  const double after = worst(point["surrogate_gap"]);
  ASSERT_GT(before, 0.01) << "nothing to refine: the test no longer exercises refinement";
  EXPECT_GE(point["refinements"].get<int>(), 1);
  EXPECT_LT(after, before);
  // #22: every point keeps its best-predicted round, so no final gap exceeds the first, and
  // it says which round it kept (best_predicted_round's choice is tested in
  // test_study_metrics.cpp; on this space the rounds re-derive the same designs).
  for (const auto& entry : std::filesystem::directory_iterator(out + "/points")) {
    const Json p = Json::parse(read_text((entry.path() / "point.json").string()));
    const Json& rounds = p["refinement_rounds"];
    ASSERT_EQ(rounds.size(), p["refinements"].get<std::size_t>() + 1) << entry.path();
    const int kept = p["refinement_kept_round"].get<int>();
    EXPECT_EQ(rounds[kept]["surrogate_gap"], p["surrogate_gap"]);
    EXPECT_EQ(rounds[kept]["hardware"], p["hardware"]);
    for (const Json& round : rounds)
      EXPECT_LE(worst(p["surrogate_gap"]), worst(round["surrogate_gap"])) << entry.path();
  }
  EXPECT_TRUE(std::filesystem::exists(out + "/points/00-coexplore/evaluator-1/evaluator.json"));
  expect_reproducible_in_duet_sim(out, point);
}

}  // namespace
}  // namespace duet::coexplore
