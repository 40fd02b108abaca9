#include "models/coexplore/study.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "models/coexplore/hardware_choices.hpp"
#include "sim/accelerator_config.hpp"
#include "sim/dse/search_space.hpp"
#include "workloads/input_error.hpp"
#include "workloads/input_file.hpp"
#include "workloads/lut.hpp"

namespace duet::coexplore {
namespace {

constexpr double kHuge = 1e30;

Objective read_objective(ObjectReader& top) {
  Objective o;
  ObjectReader r = top.object("objective");
  o.kind = r.choice("kind", {"edp", "edap", "weighted"});
  if (o.kind == "edap") o.weights = {1, 1, 1};
  if (o.kind == "weighted") {
    o.weights = {r.number("latency", 0, 100), r.number("energy", 0, 100), r.number("area", 0, 100)};
    if (o.weights[0] + o.weights[1] + o.weights[2] <= 0)
      r.fail("latency", "at least one weight must be positive");
  }
  r.reject_unknown_keys();
  return o;
}

std::vector<double> read_lambdas(ObjectReader& top) {
  const Json& v = top.raw("lambdas");
  const std::string where = top.where() + ": lambdas";
  if (!v.is_array() || v.empty())
    throw InputError(where + ": expected a non-empty list of numbers >= 0");
  std::vector<double> lambdas;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_number() || !(v[i].get<double>() >= 0) || v[i].get<double>() > 1e6) {
      throw InputError(where + "[" + std::to_string(i) + "]: expected a number in [0, 1e6], got " +
                       v[i].dump());
    }
    if (std::find(lambdas.begin(), lambdas.end(), v[i].get<double>()) != lambdas.end())
      throw InputError(where + "[" + std::to_string(i) + "]: duplicate lambda " + v[i].dump());
    lambdas.push_back(v[i].get<double>());
  }
  return lambdas;
}

std::vector<Constraint> read_constraints(ObjectReader& top) {
  std::vector<Constraint> constraints;
  if (!top.has("constraints")) return constraints;
  ObjectReader r = top.object("constraints");
  for (const auto& metric : metric_names()) {
    if (r.has(metric)) constraints.push_back({metric, r.number(metric, 1e-30, kHuge)});
  }
  r.reject_unknown_keys(metric_names());
  return constraints;
}

EvaluatorPlan read_evaluator(ObjectReader& top) {
  EvaluatorPlan e;
  ObjectReader r = top.object("evaluator");
  e.dir = r.string("dir");
  if (e.dir.empty()) r.fail("dir", "must not be empty");
  check_path_text(e.dir, r.where() + ": dir");
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(e.dir, ec) && !fs::is_directory(e.dir, ec))
    r.fail("dir", "\"" + e.dir + "\" exists and is not a directory (it holds the evaluator)");
  e.samples = r.integer_or("samples", e.samples, 16, 100000000);
  e.epochs = static_cast<int>(r.integer_or("epochs", e.epochs, 1, 100000));
  e.seed = static_cast<uint64_t>(r.integer_or("seed", 0, 0, INT64_MAX));
  r.reject_unknown_keys();
  return e;
}

Budget read_budget(ObjectReader& top) {
  Budget b;
  if (!top.has("budget")) return b;
  ObjectReader r = top.object("budget");
  b.train_images = r.integer_or("train_images", b.train_images, 10, 55000);
  b.search_images = r.integer_or("search_images", b.search_images, 10, 5000);
  b.test_images = r.integer_or("test_images", b.test_images, 10, 10000);
  b.warmup_epochs = static_cast<int>(r.integer_or("warmup_epochs", b.warmup_epochs, 0, 1000));
  b.search_epochs = static_cast<int>(r.integer_or("search_epochs", b.search_epochs, 1, 1000));
  b.derived_epochs = static_cast<int>(r.integer_or("derived_epochs", b.derived_epochs, 1, 1000));
  b.derived_seeds = static_cast<int>(r.integer_or("derived_seeds", b.derived_seeds, 1, 100));
  b.batch = r.integer_or("batch", b.batch, 1, 4096);
  b.weight_learning_rate = r.number_or("weight_learning_rate", b.weight_learning_rate, 1e-8, 10);
  b.arch_learning_rate = r.number_or("arch_learning_rate", b.arch_learning_rate, 1e-8, 100);
  b.hardware_learning_rate =
      r.number_or("hardware_learning_rate", b.hardware_learning_rate, 1e-8, 100);
  b.temperature_start = r.number_or("temperature_start", b.temperature_start, 1e-3, 100);
  b.temperature_end = r.number_or("temperature_end", b.temperature_end, 1e-3, 100);
  b.paths_per_step = r.integer_or("paths_per_step", b.paths_per_step, 2, 64);
  b.random_samples = r.integer_or("random_samples", b.random_samples, 1, 1000000);
  b.score_images = r.integer_or("score_images", b.score_images, 10, 5000);
  b.evolution_population = r.integer_or("evolution_population", b.evolution_population, 2, 1000000);
  b.evolution_tournament = r.integer_or("evolution_tournament", b.evolution_tournament, 1, 1000000);
  b.constraint_weight = r.number_or("constraint_weight", b.constraint_weight, 0, 1e6);
  r.reject_unknown_keys();
  if (b.score_images > b.search_images)
    r.fail("score_images",
           "must be at most search_images (" + std::to_string(b.search_images) + ")");
  return b;
}

// Evolution scores random_samples pairs, its population among them.
void check_evolution_budget(ObjectReader& top, const Budget& b) {
  const std::string where = "budget.";
  if (b.evolution_population > b.random_samples)
    top.fail(where + "evolution_population", "must be at most random_samples (" +
                                                 std::to_string(b.random_samples) +
                                                 "), the budget evolution shares with random");
  if (b.evolution_tournament > b.evolution_population)
    top.fail(where + "evolution_tournament", "must be at most evolution_population (" +
                                                 std::to_string(b.evolution_population) + ")");
}

GeneratorPlan read_generator(ObjectReader& top, const std::string& mode) {
  GeneratorPlan g;
  if (!top.has("generator")) return g;
  if (mode != "generator") top.fail("generator", "only with \"hardware_mode\": \"generator\"");
  ObjectReader r = top.object("generator");
  g.train_networks = r.integer_or("train_networks", g.train_networks, 2, 1000000);
  g.check_networks = r.integer_or("check_networks", g.check_networks, 1, 100000);
  g.epochs = static_cast<int>(r.integer_or("epochs", g.epochs, 1, 100000));
  g.hidden = r.integer_or("hidden", g.hidden, 1, 4096);
  g.check_top = r.integer_or("check_top", g.check_top, 1, 1000);
  g.tolerance = r.number_or("tolerance", g.tolerance, 0, 10);
  r.reject_unknown_keys();
  return g;
}

std::vector<std::string> read_baselines(ObjectReader& top, const std::vector<std::string>& allowed,
                                        const std::string& family) {
  const std::string where = top.where() + ": baselines";
  const Json& v = top.raw("baselines");
  if (!v.is_array() || v.empty())
    throw InputError(where + ": expected a non-empty list; allowed: " + join_list(allowed));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!v[i].is_string() ||
        std::find(allowed.begin(), allowed.end(), v[i].get<std::string>()) == allowed.end()) {
      throw InputError(at + ": " + v[i].dump() + " is not a baseline of a " + family +
                       " space (allowed: " + join_list(allowed) + ")");
    }
    if (std::find(out.begin(), out.end(), v[i].get<std::string>()) != out.end())
      throw InputError(at + ": duplicate baseline " + v[i].dump());
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

// Entry counts with all four NN-LUT tables in configs/luts (<function>-<entries>.json).
std::vector<int64_t> shipped_lut_entries() {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(configs_dir()) / "luts";
  auto complete = [&](int64_t n) {
    for (LutFunction f :
         {LutFunction::kGelu, LutFunction::kExp, LutFunction::kReciprocal, LutFunction::kRsqrt}) {
      if (!fs::exists(dir /
                      (std::string(lut_function_name(f)) + "-" + std::to_string(n) + ".json")))
        return false;
    }
    return true;
  };
  std::vector<int64_t> entries;
  std::error_code ec;
  for (const auto& file : fs::directory_iterator(dir, ec)) {
    long n = 0;
    char rest = 0;
    if (std::sscanf(file.path().filename().c_str(), "gelu-%ld.jso%c", &n, &rest) == 2 &&
        rest == 'n' && complete(n))
      entries.push_back(n);
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

// A vit supernet evaluates every lut_entries value the space can choose through the shipped
// NN-LUT tables (the base config's when the space does not search it): a value without tables
// is refused now, not when a search draws it.
void check_lut_tables(const SearchSpace& space) {
  const AcceleratorConfig base = space_base_config(space);
  bool nnlut = base.sfu_kind == SfuKind::kNnlut;
  std::vector<int64_t> entries = {base.sfu_lut_entries};
  std::string field = space.base_config + ": sfu.lut_entries";
  for (const auto& dim : space.hardware) {
    if (dim.name == "sfu_kind") {
      nnlut = std::find(dim.values.begin(), dim.values.end(), Json("nnlut")) != dim.values.end();
    }
    if (dim.name == "lut_entries") {
      entries.clear();
      for (const Json& v : dim.values) entries.push_back(v.get<int64_t>());
      field = space.path + ": hardware.lut_entries";
    }
  }
  if (!nnlut) return;
  const std::vector<int64_t> shipped = shipped_lut_entries();
  for (int64_t n : entries) {
    if (std::find(shipped.begin(), shipped.end(), n) != shipped.end()) continue;
    std::vector<std::string> allowed;
    for (int64_t s : shipped) allowed.push_back(std::to_string(s));
    throw InputError(field + ": " + std::to_string(n) + " has no NN-LUT tables in " +
                     configs_dir() +
                     "/luts (the vit supernet runs GELU, Softmax and LayerNorm through them); "
                     "allowed: " +
                     (allowed.empty() ? std::string("none") : join_list(allowed)));
  }
}

}  // namespace

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {"latency_s", "energy_j", "area_mm2", "edp_js",
                                                 "avg_power_w"};
  return names;
}

const std::vector<std::string>& baseline_names(const std::string& family) {
  static const std::vector<std::string> network = {"accuracy-first", "hw-aware-nas-mobile",
                                                   "random", "evolution"};
  static const std::vector<std::string> fixed = {"random", "exhaustive"};
  return family == "fixed" ? fixed : network;
}

namespace {

// One variant of the study (the plain one, or the one with its "quick" overrides merged).
Study read_study(const std::string& path, const Json& root);

}  // namespace

Study load_study(const std::string& path, bool quick) {
  const Json root = read_json_file(path);
  if (!root.is_object()) throw InputError(path + ": expected a JSON object");
  if (root.contains("quick") && !root["quick"].is_object())
    throw InputError(path + ": quick: expected an object of overrides");
  if (quick && !root.contains("quick"))
    throw InputError(path + ": quick: --quick needs a \"quick\" object of overrides");
  // Both variants are checked whichever runs: a value the overrides replace is still the
  // study's, and an override is checked before the first --quick run meets it.
  Study plain = read_study(path, root);
  if (!root.contains("quick")) return plain;
  Json merged = root;
  merged.merge_patch(root["quick"]);
  try {
    Study fast = read_study(path, merged);
    return quick ? fast : plain;
  } catch (const InputError& e) {
    throw InputError(std::string(e.what()) + " (with the \"quick\" overrides merged)");
  }
}

namespace {

Study read_study(const std::string& path, const Json& root) {
  Study s;
  s.path = path;
  ObjectReader top(root, path);
  s.name = top.string("name");
  if (s.name.empty()) top.fail("name", "must not be empty");
  s.space_path = top.string("space");
  int64_t networks = 1;  // distinct networks of the space (capped)
  try {
    const SearchSpace space = load_search_space(s.space_path);
    s.family = space.network.kind;
    for (const auto& b : space.network.blocks)
      networks = std::min<int64_t>(networks * static_cast<int64_t>(b.options.size()), 1LL << 40);
    if (s.family == "vit") check_lut_tables(space);
  } catch (const InputError& e) {
    throw InputError(path + ": space: " + e.what());
  }
  s.evaluator = read_evaluator(top);
  s.objective = read_objective(top);
  s.lambdas = read_lambdas(top);
  s.constraints = read_constraints(top);
  s.hardware_mode = top.choice_or("hardware_mode", "logits", {"logits", "generator"});
  if (s.family == "fixed" && s.hardware_mode == "generator") {
    top.fail("hardware_mode",
             "a fixed workload has no network encoding for a generator to read; use \"logits\"");
  }
  if (s.family == "vit" && s.hardware_mode == "generator") {
    top.fail("hardware_mode",
             "generator mode does not yet draw the SFU choice that vit accuracy depends on; use "
             "\"logits\"");
  }
  s.generator = read_generator(top, s.hardware_mode);
  if (s.hardware_mode == "generator" &&
      s.generator.train_networks + s.generator.check_networks > networks) {
    throw InputError(path + ": generator.train_networks: train_networks + check_networks = " +
                     std::to_string(s.generator.train_networks + s.generator.check_networks) +
                     " exceeds the space's " + std::to_string(networks) + " distinct networks");
  }
  s.budget = read_budget(top);
  s.baselines = read_baselines(top, baseline_names(s.family), s.family);
  if (std::find(s.baselines.begin(), s.baselines.end(), "evolution") != s.baselines.end())
    check_evolution_budget(top, s.budget);
  if (std::find(s.baselines.begin(), s.baselines.end(), "hw-aware-nas-mobile") !=
      s.baselines.end()) {
    try {
      mobile_hardware_choices(load_search_space(s.space_path));
    } catch (const InputError& e) {
      throw InputError(path + ": baselines: hw-aware-nas-mobile: " + e.what());
    }
  }
  s.surrogate_tolerance = top.number_or("surrogate_tolerance", 0.05, 1e-6, 10);
  s.final_hardware_top = top.integer_or("final_hardware_top", s.final_hardware_top, 1, 100);
  if (top.has("refinement")) {
    ObjectReader r = top.object("refinement");
    s.refinement_rounds = static_cast<int>(r.integer_or("rounds", s.refinement_rounds, 0, 20));
    s.refinement_epochs = static_cast<int>(r.integer_or("epochs", s.refinement_epochs, 1, 10000));
    s.refinement_copies = static_cast<int>(r.integer_or("copies", s.refinement_copies, 1, 1000));
    r.reject_unknown_keys();
  }
  if (top.has("hypervolume_reference")) {
    ObjectReader r = top.object("hypervolume_reference");
    s.reference_accuracy = r.number("accuracy", 0, 0.99);
    s.reference_edp_js = r.number("edp_js", 1e-30, kHuge);
    r.reject_unknown_keys();
  }
  s.seed = static_cast<uint64_t>(top.integer_or("seed", 0, 0, INT64_MAX / 2));
  s.seeds = static_cast<int>(top.integer_or("seeds", 1, 1, kMaxStudySeeds));
  top.string_or("description", "");
  if (top.has("quick")) top.raw("quick");
  top.reject_unknown_keys();
  s.resolved = root;
  s.resolved.erase("quick");
  return s;
}

}  // namespace

}  // namespace duet::coexplore
