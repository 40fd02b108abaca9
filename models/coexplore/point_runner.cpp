#include "models/coexplore/point_runner.hpp"

#include <chrono>
#include <cmath>
#include <deque>
#include <filesystem>
#include <random>
#include <set>

#include "models/archive_file.hpp"
#include "models/coexplore/cost.hpp"
#include "models/coexplore/generator_setup.hpp"
#include "models/coexplore/hardware_grid.hpp"
#include "models/coexplore/surrogate_gap.hpp"
#include "sim/dse/dataset.hpp"
#include "sim/dse/design_batch.hpp"
#include "sim/dse/sampled_hardware.hpp"
#include "sim/report_writer.hpp"
#include "sim/simulate.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/workload_io.hpp"

namespace duet::coexplore {
namespace {

namespace fs = std::filesystem;

// Margins tried, in turn, when a derived design misses a limit on re-simulation.
constexpr double kRepairMargins[] = {1.0, 0.9, 0.8, 0.65, 0.5};
constexpr std::size_t kRepairCandidates = 4;  // designs that run, per margin
constexpr std::size_t kRepairScan = 256;      // ranked designs considered per margin

struct Choice {
  std::vector<int> blocks, hardware;
  int64_t evaluator_calls = 0;
  std::string log_csv;
};

uint64_t point_seed(const Study& study, const PointPlan& plan) {
  return study.seed * 1000003ULL + static_cast<uint64_t>(std::stoi(plan.id)) +
         1;  // the index before '-'
}

Supernet warm_supernet(const StudyContext& c) {
  Supernet net = seeded_supernet(c.space.network, c.study.seed);
  torch::serialize::InputArchive archive;
  archive.load_from(c.warmup_path);
  net->load(archive);
  return net;
}

StepProgress stage_progress(const StudyContext& c, const std::string& stage) {
  return [&c, stage](int64_t done, int64_t total, const std::string& note) {
    if (c.progress) c.progress(stage, done, total, note);
  };
}

Choice co_search(const StudyContext& c, const Evaluator& ev, const PointPlan& plan,
                 SearchSetup setup) {
  setup.sfu = &c.sfu;
  Supernet net = warm_supernet(c);
  const SearchResult r = search(net, ev, c.space, c.study, setup, c.data, point_seed(c.study, plan),
                                stage_progress(c, plan.id + " search"));
  return {r.blocks, r.hardware, r.evaluator_calls, r.log_csv};
}

// The exhaustive optimum of a fixed workload: the evaluator's best hardware for it.
void best_hardware_for(const StudyContext& c, const Evaluator& ev, Choice& choice) {
  choice.hardware = best_hardware(ev, c.space, choice.blocks, c.study.objective,
                                  c.study.constraints, 1, choice.evaluator_calls)
                        .at(0)
                        .hardware;
}

std::vector<Sample> random_samples(const StudyContext& c) {
  std::mt19937_64 rng(c.study.seed + 0x5eed);
  std::vector<Sample> samples;
  for (int64_t i = 0; i < c.study.budget.random_samples; ++i) {
    Sample sample;
    sample.index = i;
    for (const auto& dim : c.space.hardware) sample.hardware.push_back(rng() % dim.values.size());
    for (const auto& block : c.space.network.blocks)
      sample.blocks.push_back(rng() % block.options.size());
    samples.push_back(sample);
  }
  return samples;
}

// The samples' inherited cross-entropy on the scoring images. It does not depend on lambda, so
// the first random point computes it for all and leaves it in random_scores.json.
std::vector<double> inherited_losses(const StudyContext& c, const std::vector<Sample>& samples,
                                     const std::string& stage) {
  const std::string path = (fs::path(c.out_dir) / "random_scores.json").string();
  if (fs::exists(path)) {
    const Json cached = read_json_file(path);
    if (cached.value("samples", 0) == static_cast<int64_t>(samples.size()))
      return cached.at("cross_entropy").get<std::vector<double>>();
  }
  const int64_t n = c.study.budget.score_images;
  const LabelledImages scoring{c.data.validation.images.slice(0, 0, n),
                               c.data.validation.labels.slice(0, 0, n)};
  Supernet net = warm_supernet(c);
  const auto progress = stage_progress(c, stage);
  std::vector<double> losses;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    net->nonlinear = c.sfu.ops(samples[i].hardware);  // the pair's SFU, as its hardware computes
    losses.push_back(inherited_loss(net, samples[i].blocks, scoring));
    progress(static_cast<int64_t>(i + 1), static_cast<int64_t>(samples.size()), "");
  }
  write_file_atomically(path,
                        Json{{"samples", samples.size()}, {"cross_entropy", losses}}.dump() + "\n");
  return losses;
}

// Random (network, hardware) pairs scored by the supernet's inherited cross-entropy on held-out
// images and by the evaluator: the best by cross-entropy + lambda * log objective (+ penalty).
Choice random_search(const StudyContext& c, const Evaluator& ev, const PointPlan& plan) {
  const Study& s = c.study;
  const std::vector<Sample> samples = random_samples(c);
  const std::vector<CostVector> predicted = ev.predict(samples);
  const std::vector<double> losses = inherited_losses(c, samples, plan.id + " random");
  const LogCombination objective = objective_combination(s.objective);
  double best = INFINITY;
  Choice choice;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double score =
        losses[i] + plan.lambda * log_value(objective, predicted[i]) +
        s.budget.constraint_weight * constraint_penalty(s.constraints, predicted[i]);
    if (score < best) {
      best = score;
      choice.blocks = samples[i].blocks;
      choice.hardware = samples[i].hardware;
    }
  }
  choice.evaluator_calls = static_cast<int64_t>(samples.size());
  return choice;
}

// Regularised (aging) evolution (Real et al., AAAI'19) over (network, hardware) pairs, scored as
// random's are (inherited cross-entropy + lambda * log objective + penalty) at random's budget:
// random_samples pairs scored, each one evaluator call and one supernet evaluation. A child
// changes one block or one hardware value of the best of `evolution_tournament` members drawn
// from the population; the oldest member leaves.
Choice evolution_search(const StudyContext& c, const Evaluator& ev, const PointPlan& plan) {
  const Study& s = c.study;
  const int64_t n = s.budget.score_images;
  const LabelledImages scoring{c.data.validation.images.slice(0, 0, n),
                               c.data.validation.labels.slice(0, 0, n)};
  Supernet net = warm_supernet(c);
  const LogCombination objective = objective_combination(s.objective);
  std::mt19937_64 rng(point_seed(s, plan));
  const auto progress = stage_progress(c, plan.id + " evolution");
  auto score = [&](const Sample& x) {
    net->nonlinear = c.sfu.ops(x.hardware);  // the pair's SFU, as its hardware computes
    const CostVector predicted = ev.predict({x}).at(0);
    return inherited_loss(net, x.blocks, scoring) + plan.lambda * log_value(objective, predicted) +
           s.budget.constraint_weight * constraint_penalty(s.constraints, predicted);
  };
  std::deque<std::pair<Sample, double>> population;
  Choice choice;
  double best = INFINITY;
  auto add = [&](const Sample& x) {
    population.emplace_back(x, score(x));
    if (population.back().second < best) {
      best = population.back().second;
      choice.blocks = x.blocks;
      choice.hardware = x.hardware;
    }
    progress(++choice.evaluator_calls, s.budget.random_samples, "");
  };
  for (int64_t i = 0; i < s.budget.evolution_population; ++i) {
    Sample x;
    for (const auto& dim : c.space.hardware) x.hardware.push_back(rng() % dim.values.size());
    for (const auto& block : c.space.network.blocks)
      x.blocks.push_back(rng() % block.options.size());
    add(x);
  }
  while (choice.evaluator_calls < s.budget.random_samples) {
    const std::pair<Sample, double>* parent = nullptr;
    for (int64_t k = 0; k < s.budget.evolution_tournament; ++k) {
      const auto& member = population[rng() % population.size()];
      if (parent == nullptr || member.second < parent->second) parent = &member;
    }
    Sample child = parent->first;
    const std::size_t slots = child.blocks.size() + child.hardware.size();
    const std::size_t at = rng() % slots;
    std::vector<int>& genes = at < child.blocks.size() ? child.blocks : child.hardware;
    const std::size_t i = at < child.blocks.size() ? at : at - child.blocks.size();
    const std::size_t options = at < child.blocks.size() ? c.space.network.blocks[i].options.size()
                                                         : c.space.hardware[i].values.size();
    if (options > 1)
      genes[i] =
          (genes[i] + 1 + static_cast<int>(rng() % (options - 1))) % static_cast<int>(options);
    add(child);
    population.pop_front();
  }
  return choice;
}

// Hardware only, for a fixed workload: the gradient search through the evaluator, random
// search at the same number of evaluator calls, or the exhaustive optimum.
Choice choose_hardware(const StudyContext& c, const Evaluator& ev, const PointPlan& plan) {
  const std::vector<int> blocks = {plan.workload};
  Choice choice;
  choice.blocks = blocks;
  if (plan.kind == "coexplore") {
    Supernet none{nullptr};
    const SearchResult r =
        search(none, ev, c.space, c.study, {plan.lambda, false, true, {}, nullptr, blocks}, c.data,
               point_seed(c.study, plan), stage_progress(c, plan.id + " search"));
    return {r.blocks, r.hardware, r.evaluator_calls, r.log_csv};
  }
  if (plan.kind == "exhaustive") {
    best_hardware_for(c, ev, choice);
    return choice;
  }
  std::mt19937_64 rng(point_seed(c.study, plan));
  std::vector<Sample> samples;
  for (int64_t i = 0; i < search_steps(c.study.budget); ++i) {
    Sample sample{i, {}, blocks};
    for (const auto& dim : c.space.hardware) sample.hardware.push_back(rng() % dim.values.size());
    samples.push_back(sample);
  }
  const std::vector<CostVector> predicted = ev.predict(samples);
  const LogCombination objective = objective_combination(c.study.objective);
  double best = INFINITY;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double score =
        plan.lambda * log_value(objective, predicted[i]) +
        c.study.budget.constraint_weight * constraint_penalty(c.study.constraints, predicted[i]);
    if (score < best) best = score, choice.hardware = samples[i].hardware;
  }
  choice.evaluator_calls = static_cast<int64_t>(samples.size());
  return choice;
}

Choice choose(const StudyContext& c, const Evaluator& ev, const PointPlan& plan) {
  if (c.study.family == "fixed") return choose_hardware(c, ev, plan);
  if (plan.kind == "coexplore") {
    if (c.study.hardware_mode != "generator")
      return co_search(c, ev, plan, {plan.lambda, true, true, {}, nullptr, {}});
    HardwareGenerator generator = load_study_generator(c);
    return co_search(c, ev, plan, {plan.lambda, true, true, {}, &generator, {}});
  }
  if (plan.kind == "random") return random_search(c, ev, plan);
  if (plan.kind == "evolution") return evolution_search(c, ev, plan);
  if (plan.kind == "accuracy-first")
    return co_search(c, ev, plan, {0.0, true, false, {}, nullptr, {}});
  // hw-aware-nas-mobile: its hardware is mobile's until the final step
  return co_search(c, ev, plan,
                   {plan.lambda, true, true, mobile_hardware_choices(c.space), nullptr, {}});
}

CostVector cost_of(const Report& r) { return {r.latency_s, r.energy_j, r.area_mm2, r.avg_power_w}; }

struct Proof {
  std::vector<int> hardware;
  AcceleratorConfig config;
  Report report;
  bool constraints_met = false;
  bool repaired = false;
  int repair_simulations = 0;
};

// Simulates the derived design. A design that cannot run, or that misses a limit, is repaired:
// the evaluator's best grid points for the same network within tightening margins are
// re-simulated until one meets every limit.
Proof simulate_design(const StudyContext& c, const Evaluator& ev, const Workload& workload,
                      const Choice& choice, int64_t& evaluator_calls) {
  Proof p;
  enum class Outcome { kMet, kMissed, kCannotRun };
  auto attempt = [&](const std::vector<int>& hardware) {
    const Sample sample{0, hardware, choice.blocks};
    AcceleratorConfig config = sampled_accelerator(c.base, c.space, sample);
    try {
      Report report = simulate(config, workload);
      p.hardware = hardware;
      p.config = config;
      p.report = report;
      p.constraints_met = meets_constraints(c.study.constraints, cost_of(report));
      return p.constraints_met ? Outcome::kMet : Outcome::kMissed;
    } catch (const InputError&) {
      return Outcome::kCannotRun;  // e.g. a layer's smallest tile does not fit the buffer
    }
  };
  if (attempt(choice.hardware) == Outcome::kMet) return p;
  p.repaired = true;
  std::vector<std::vector<int>> tried = {choice.hardware};
  for (double margin : kRepairMargins) {
    // The evaluator never saw designs that cannot run (the dataset keeps them out of training),
    // so it may rank many of them first: those are skipped, and up to kRepairCandidates designs
    // that do run are tried per margin.
    std::size_t ran = 0;
    for (const auto& candidate :
         rank_hardware(ev, c.space, choice.blocks, c.study.objective, c.study.constraints, margin,
                       kRepairScan, evaluator_calls)) {
      if (std::find(tried.begin(), tried.end(), candidate.hardware) != tried.end()) continue;
      tried.push_back(candidate.hardware);
      ++p.repair_simulations;
      const Outcome outcome = attempt(candidate.hardware);
      if (outcome == Outcome::kMet) return p;
      if (outcome == Outcome::kMissed && ++ran >= kRepairCandidates) break;
    }
  }
  if (p.hardware.empty()) {
    throw InputError(c.study.path + ": no design for the derived network could be simulated");
  }
  return p;  // constraints_met stays false: reported, not hidden
}

// What the method's own hardware pick gave, before the final step replaced it.
struct RawPick {
  std::vector<int> hardware;
  Json simulated;  // cost_json of its simulation; null when it cannot run
};

// The hardware step every method ends with, so that methods differ only in how they searched
// (#22): the evaluator ranks the grid for the derived network, its best final_hardware_top
// points and the method's own pick are simulated, and the best under the objective that meets
// the limits is kept (the best overall when none does; repair then tries further). A method
// that searched its hardware with its network's accuracy (co-exploration, random) keeps its
// SFU approximation, which changes the network's numbers and which cost alone cannot judge; the
// two-stage baselines chose theirs by cost before, and still do.
RawPick final_hardware_step(const StudyContext& c, const Evaluator& ev, const PointPlan& plan,
                            Choice& choice) {
  const bool has_pick = !choice.hardware.empty();
  const bool keep_approximation =
      has_pick && c.sfu.applies() &&
      (plan.kind == "coexplore" || plan.kind == "random" || plan.kind == "evolution");
  std::vector<std::vector<int>> candidates;
  if (has_pick) candidates.push_back(choice.hardware);
  const auto top = static_cast<std::size_t>(c.study.final_hardware_top);
  std::size_t taken = 0;
  for (const auto& ranked :
       best_hardware(ev, c.space, choice.blocks, c.study.objective, c.study.constraints,
                     keep_approximation ? kRepairScan : top, choice.evaluator_calls)) {
    if (taken == top) break;
    if (keep_approximation && c.sfu.name(ranked.hardware) != c.sfu.name(choice.hardware)) continue;
    ++taken;
    if (ranked.hardware != choice.hardware) candidates.push_back(ranked.hardware);
  }
  if (candidates.empty()) throw InputError(c.study.path + ": the evaluator ranked no hardware");
  // The network does not depend on the hardware; the sample needs a full one.
  const Workload workload = sample_workload(c.space, {0, candidates.front(), choice.blocks});
  const LogCombination objective = objective_combination(c.study.objective);
  RawPick raw{choice.hardware, nullptr};
  bool best_met = false;
  double best = INFINITY;
  for (const auto& hardware : candidates) {
    CostVector cost{};
    try {
      cost = cost_of(
          simulate(sampled_accelerator(c.base, c.space, {0, hardware, choice.blocks}), workload));
    } catch (const InputError&) {
      continue;  // cannot run, e.g. a layer's smallest tile does not fit the buffer
    }
    if (hardware == raw.hardware) raw.simulated = cost_json(cost);
    const bool met = meets_constraints(c.study.constraints, cost);
    const double value = log_value(objective, cost);
    if ((met && !best_met) || (met == best_met && value < best)) {
      best_met = met;
      best = value;
      choice.hardware = hardware;
    }
  }
  return raw;
}

Json choice_names(const SearchSpace& space, const std::vector<int>& blocks,
                  const std::vector<int>& hardware) {
  Json network = Json::object(), hw = Json::object();
  for (std::size_t b = 0; b < blocks.size(); ++b)
    network[space.network.blocks[b].name] = space.network.blocks[b].options[blocks[b]];
  for (std::size_t d = 0; d < hardware.size(); ++d)
    hw[space.hardware[d].name] = space.hardware[d].values[hardware[d]];
  return {{"network", network}, {"hardware", hw}};
}

// The derived design and its neighbours: each hardware value one step either way, each other
// option of each block.
std::vector<Sample> neighbourhood(const SearchSpace& space, const std::vector<int>& hardware,
                                  const std::vector<int>& blocks) {
  std::vector<Sample> designs = {{0, hardware, blocks}};
  for (std::size_t d = 0; d < hardware.size(); ++d) {
    for (int step : {-1, 1}) {
      const int v = hardware[d] + step;
      if (v < 0 || v >= static_cast<int>(space.hardware[d].values.size())) continue;
      designs.push_back({0, hardware, blocks});
      designs.back().hardware[d] = v;
    }
  }
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    for (int o = 0; o < static_cast<int>(space.network.blocks[b].options.size()); ++o) {
      if (o == blocks[b]) continue;
      designs.push_back({0, hardware, blocks});
      designs.back().blocks[b] = o;
    }
  }
  return designs;
}

// Fine-tunes the evaluator in `from` on its own data plus the simulated `designs` (each
// repeated so that it weighs in), into `to`. Indices past any dataset's keep the new rows
// apart and in the training split.
void refine_evaluator(const StudyContext& c, const std::string& from,
                      const std::vector<Sample>& designs, const std::string& to) {
  const Json sidecar = read_json_file(from + "/evaluator.json");
  const std::string base = sidecar.at("dataset").at("path").get<std::string>();
  if (!fs::exists(base)) throw InputError(base + ": the evaluator's dataset is missing");
  std::string data = read_text_file(base);
  // Indices an earlier round added are skipped: a dataset holds each index once.
  std::set<std::string> taken;
  for (std::size_t line = data.find('\n'); line != std::string::npos && line + 1 < data.size();
       line = data.find('\n', line + 1))
    taken.insert(data.substr(line + 1, data.find(',', line + 1) - line - 1));
  int64_t next = 4000000000000LL + 10 * static_cast<int64_t>(data.size() % 1000000);
  for (const auto& simulated : simulate_designs(c.space, designs, 1)) {
    const std::string rest = simulated.row.substr(simulated.row.find(','));
    for (int k = 0; k < c.study.refinement_copies; ++k, next += 10) {
      while (taken.count(std::to_string(next))) next += 10;
      data += std::to_string(next) + rest + "\n";
    }
  }
  create_output_directory(to);
  write_file_atomically(to + "/dataset.csv", data);
  EvaluatorTrainOptions t;
  t.data_path = to + "/dataset.csv";
  t.space_path = c.study.space_path;
  t.out_dir = to;
  t.epochs = c.study.refinement_epochs;
  t.learning_rate = 5e-4;
  t.seed = c.study.seed;
  t.init_from = from;
  train_evaluator(t);
}

// One search-derive-simulate round of a point.
struct Round {
  Choice choice;
  Proof proof;
  CostVector predicted{}, simulated{};
  Json gap;
  std::string evaluator_name;
  RawPick raw;  // the method's own hardware pick (not for fixed workloads)
};

struct DerivedAccuracy {
  double mean = 0;
  Json exact;  // mean with exact non-linear ops; null when the family has none
  std::vector<double> seeds;
};

// The training of a network depends on the network, the study's recipe and seed, and the
// training-seed index k, not on the point or the method that derived it (#22): two methods
// that derive the same network get the same weights and accuracy.
uint64_t training_seed(const Study& study, const std::vector<int>& blocks, int k) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a over the block choices
  for (int b : blocks) h = (h ^ static_cast<uint64_t>(b + 1)) * 1099511628211ULL;
  return study.seed * 1000003ULL + (h % 1000000007ULL) + 7919ULL * static_cast<uint64_t>(k);
}

// <out>/trained/ keeps each network a study seed trained, by its blocks and k, so that it is
// trained once however many points derive it.
fs::path trained_path(const StudyContext& c, const std::vector<int>& blocks, int k) {
  std::string name = "net";
  for (int b : blocks) name += "-" + std::to_string(b);
  return fs::path(c.out_dir) / "trained" / (name + "-seed" + std::to_string(k) + ".pt");
}

// The derived network trained from scratch with the study's recipe, derived_seeds times (each
// once per study seed, then reused); the first seed's weights are derived.pt, the others'
// derived-seed<k>.pt. Trained exactly, tested as the design's SFU computes, and exactly, which
// is what the approximation costs.
DerivedAccuracy train_derived_networks(const StudyContext& c, const PointPlan& plan,
                                       const std::vector<int>& blocks,
                                       const std::vector<int>& hardware, const fs::path& dir) {
  std::vector<std::vector<int>> single;
  for (int b : blocks) single.push_back({b});
  DerivedAccuracy a;
  double exact_sum = 0;
  const int seeds = c.study.budget.derived_seeds;
  for (int k = 0; k < seeds; ++k) {
    const uint64_t seed = training_seed(c.study, blocks, k);
    Supernet derived = seeded_supernet(c.space.network, seed, single);
    const fs::path cached = trained_path(c, blocks, k);
    bool loaded = false;
    if (fs::exists(cached)) {
      try {
        torch::serialize::InputArchive archive;
        archive.load_from(cached.string());
        derived->load(archive);
        loaded = true;
      } catch (const c10::Error&) {
        // An unreadable cache entry (edited, or from another build) is trained again.
        derived = seeded_supernet(c.space.network, seed, single);
      }
    }
    if (!loaded) {
      train_derived(
          derived, blocks, c.data, c.study.budget, seed + 17,
          stage_progress(c, plan.id + " train" + (seeds > 1 ? " seed " + std::to_string(k) : "")));
      torch::serialize::OutputArchive archive;
      derived->save(archive);
      create_output_directory(cached.parent_path().string());
      save_archive_atomically(archive, cached.string(), "trained network");
    }
    derived->nonlinear = c.sfu.ops(hardware);
    a.seeds.push_back(test_accuracy(derived, blocks, c.data.test));
    a.mean += a.seeds.back() / seeds;
    if (c.sfu.applies()) {
      derived->nonlinear = exact_ops();
      exact_sum += test_accuracy(derived, blocks, c.data.test);
    }
    torch::serialize::OutputArchive archive;
    derived->save(archive);
    const std::string name = k == 0 ? "derived.pt" : "derived-seed" + std::to_string(k) + ".pt";
    save_archive_atomically(archive, (dir / name).string(), "derived network");
  }
  if (c.sfu.applies()) a.exact = exact_sum / seeds;
  return a;
}

}  // namespace

void prepare_random_scores(const StudyContext& c) {
  inherited_losses(c, random_samples(c), "random scores");
}

Json run_point(const StudyContext& c, const PointPlan& plan) {
  const auto start = std::chrono::steady_clock::now();
  const std::string rel = "points/" + plan.id + "/";
  const fs::path dir = fs::path(c.out_dir) / rel;
  create_output_directory(dir.string());

  // Search, derive and re-simulate; while the evaluator misjudges the derived design, teach it
  // that design's neighbourhood and search again. Each round may derive another design, and a
  // later one is not always better predicted (#22: 0.8% -> 13.0% latency gap after two rounds),
  // so the round whose design the evaluator judged best is the one kept.
  Evaluator evaluator = c.evaluator;
  std::string evaluator_dir = c.study.evaluator.dir;
  int64_t calls = 0;
  std::vector<Round> rounds;
  for (;;) {
    Round r;
    r.choice = choose(c, evaluator, plan);
    if (c.study.family != "fixed") r.raw = final_hardware_step(c, evaluator, plan, r.choice);
    const Workload candidate = sample_workload(c.space, {0, r.choice.hardware, r.choice.blocks});
    r.proof = simulate_design(c, evaluator, candidate, r.choice, r.choice.evaluator_calls);
    calls += r.choice.evaluator_calls;
    r.predicted = evaluator.predict({{0, r.proof.hardware, r.choice.blocks}}).at(0);
    r.simulated = cost_of(r.proof.report);
    r.gap = surrogate_gap(r.predicted, r.simulated);
    r.evaluator_name =
        rounds.empty() ? evaluator_dir : rel + "evaluator-" + std::to_string(rounds.size());
    rounds.push_back(std::move(r));
    const Round& last = rounds.back();
    const int refinements = static_cast<int>(rounds.size()) - 1;
    if (within(last.gap, c.study.surrogate_tolerance) || refinements >= c.study.refinement_rounds)
      break;
    const std::string next = (dir / ("evaluator-" + std::to_string(refinements + 1))).string();
    if (c.progress) c.progress(plan.id + " refine", refinements + 1, c.study.refinement_rounds, "");
    refine_evaluator(c, evaluator_dir,
                     neighbourhood(c.space, last.proof.hardware, last.choice.blocks), next);
    evaluator_dir = next;
    evaluator = Evaluator::load(evaluator_dir);
  }
  const int refinements = static_cast<int>(rounds.size()) - 1;
  std::vector<Json> gaps;
  for (const Round& r : rounds) gaps.push_back(r.gap);
  const std::size_t kept = best_predicted_round(gaps);
  const Json gap_before = rounds.front().gap;
  Round& best = rounds[kept];
  Choice& choice = best.choice;
  Proof& proof = best.proof;
  const CostVector predicted = best.predicted, simulated = best.simulated;
  const Json gap = best.gap;
  const std::string evaluator_name = best.evaluator_name;  // as summary.json names it
  const RawPick& raw = best.raw;
  Json history = Json::array();  // every round's design and gap, the kept one included
  for (const Round& r : rounds) {
    Json names = choice_names(c.space, r.choice.blocks, r.proof.hardware);
    names["surrogate_gap"] = r.gap;
    history.push_back(std::move(names));
  }
  const std::string outcome = within(gap, c.study.surrogate_tolerance) ? "within tolerance"
                              : refinements == 0                       ? "no refinement rounds"
                                                 : "best-predicted round kept";
  const Workload workload = sample_workload(c.space, {0, proof.hardware, choice.blocks});
  proof.config.name = c.study.name + "/" + plan.id;

  write_file_atomically((dir / "workload.json").string(),
                        json_text(workload_to_json(workload), 2) + "\n");
  write_file_atomically((dir / "accel.json").string(),
                        json_text(accelerator_config_to_json(proof.config), 2) + "\n");
  if (!choice.log_csv.empty())
    write_file_atomically((dir / "search_log.csv").string(), choice.log_csv);

  Json accuracy = nullptr, accuracy_exact = nullptr, accuracy_seeds = nullptr;
  if (c.study.family == "fixed") {
    // Not trained here: the accuracy its recast report measured, when the space names one.
    accuracy = c.space.network.definition["workloads"][plan.workload].value("accuracy", Json());
  } else {
    const DerivedAccuracy a = train_derived_networks(c, plan, choice.blocks, proof.hardware, dir);
    accuracy = a.mean;
    if (!a.exact.is_null()) accuracy_exact = a.exact;
    if (a.seeds.size() > 1) accuracy_seeds = a.seeds;
  }

  const Json names_json = choice_names(c.space, choice.blocks, proof.hardware);
  Json entry = {
      {"id", plan.id},
      {"kind", plan.kind},
      {"lambda", plan.lambda},
      {"network", names_json["network"]},
      {"hardware", names_json["hardware"]},
      {"workload", rel + "workload.json"},
      {"accelerator", rel + "accel.json"},
      {"predicted", cost_json(predicted)},
      {"simulated", cost_json(simulated)},
      {"surrogate_gap", gap},
      {"surrogate_gap_before_refinement", gap_before},
      {"surrogate_within_tolerance", within(gap, c.study.surrogate_tolerance)},
      {"refinements", refinements},
      {"refinement_kept_round", static_cast<int>(kept)},
      {"refinement_outcome", outcome},
      {"refinement_rounds", history},
      {"evaluator", evaluator_name},
      {"accuracy", accuracy},
      {"constraints_met", proof.constraints_met},
      {"repaired", proof.repaired},
      {"repair_simulations", proof.repair_simulations},
      {"evaluator_calls", calls},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}};
  if (!choice.log_csv.empty()) entry["search_log"] = rel + "search_log.csv";
  if (c.study.family != "fixed" && !raw.hardware.empty()) {
    // The method's own pick beside the final step's: what its search found by itself.
    entry["raw_pick"] = {
        {"hardware", choice_names(c.space, choice.blocks, raw.hardware)["hardware"]},
        {"simulated", raw.simulated},
        {"kept", raw.hardware == proof.hardware}};
  }
  if (c.sfu.applies()) {
    entry["approximation"] = c.sfu.name(proof.hardware);
    entry["accuracy_exact"] = accuracy_exact;
  }
  if (!accuracy_seeds.is_null()) entry["accuracy_seeds"] = accuracy_seeds;
  if (c.study.family != "fixed") entry["weights"] = rel + "derived.pt";
  write_file_atomically((dir / "point.json").string(), json_text(entry, 2) + "\n");
  return entry;
}

}  // namespace duet::coexplore
