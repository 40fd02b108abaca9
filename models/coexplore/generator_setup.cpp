#include "models/coexplore/generator_setup.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "models/coexplore/cost.hpp"
#include "models/coexplore/hardware_grid.hpp"
#include "sim/dse/design_batch.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet::coexplore {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kLabelChunk = 50;  // networks per resumable label file

fs::path generator_dir(const StudyContext& c) { return fs::path(c.out_dir) / "generator"; }

// Distinct random networks: the first `train` for the labels, the rest for the check.
std::vector<std::vector<int>> sample_networks(const StudyContext& c, int64_t count) {
  std::mt19937_64 rng(c.study.seed ^ 0x9e4e7a7042ULL);
  std::set<std::vector<int>> seen;
  std::vector<std::vector<int>> nets;
  int64_t space_size = 1;
  for (const auto& b : c.space.network.blocks) {
    space_size = std::min<int64_t>(space_size * static_cast<int64_t>(b.options.size()), 1LL << 40);
  }
  if (count > space_size) {
    throw InputError(c.study.path +
                     ": generator: train_networks + check_networks = " + std::to_string(count) +
                     " exceeds the space's " + std::to_string(space_size) + " distinct networks");
  }
  while (static_cast<int64_t>(nets.size()) < count) {
    std::vector<int> net;
    for (const auto& b : c.space.network.blocks)
      net.push_back(static_cast<int>(rng() % b.options.size()));
    if (seen.insert(net).second) nets.push_back(net);
  }
  return nets;
}

std::vector<HardwareCandidate> best_for(const StudyContext& c, const std::vector<int>& blocks,
                                        std::size_t keep, int64_t& calls) {
  return best_hardware(c.evaluator, c.space, blocks, c.study.objective, c.study.constraints, keep,
                       calls);
}

// `hardware` holds `count` rows of in-range choice indices (else the chunk is recomputed).
bool valid_labels(const SearchSpace& space, const Json& hardware, std::size_t count) {
  if (!hardware.is_array() || hardware.size() != count) return false;
  for (const Json& row : hardware) {
    if (!row.is_array() || row.size() != space.hardware.size()) return false;
    for (std::size_t d = 0; d < row.size(); ++d) {
      if (!row[d].is_number_integer() || row[d].get<int64_t>() < 0 ||
          row[d].get<int64_t>() >= static_cast<int64_t>(space.hardware[d].values.size()))
        return false;
    }
  }
  return true;
}

std::vector<std::vector<int>> labels_for(const StudyContext& c,
                                         const std::vector<std::vector<int>>& nets) {
  std::vector<std::vector<int>> labels;
  const int64_t n = static_cast<int64_t>(nets.size());
  for (int64_t start = 0; start < n; start += kLabelChunk) {
    const fs::path file =
        generator_dir(c) / ("labels-" + std::to_string(start / kLabelChunk) + ".json");
    const int64_t end = std::min(n, start + kLabelChunk);
    const std::vector<std::vector<int>> chunk(nets.begin() + start, nets.begin() + end);
    if (fs::exists(file)) {
      const Json cached = read_json_file(file.string());
      if (cached.is_object() && cached.value("networks", Json()) == Json(chunk) &&
          valid_labels(c.space, cached.value("hardware", Json()), chunk.size())) {
        for (const auto& h : cached.at("hardware")) labels.push_back(h.get<std::vector<int>>());
        if (c.progress) c.progress("generator labels", end, n, "");
        continue;
      }
    }
    Json hardware = Json::array();
    int64_t calls = 0;
    for (const auto& net : chunk) {
      labels.push_back(best_for(c, net, 1, calls).at(0).hardware);
      hardware.push_back(labels.back());
      if (c.progress) c.progress("generator labels", static_cast<int64_t>(labels.size()), n, "");
    }
    write_file_atomically(file.string(),
                          Json{{"networks", chunk}, {"hardware", hardware}}.dump() + "\n");
  }
  return labels;
}

// log objective of a simulated design, or +inf when it cannot run.
double log_objective(const StudyContext& c, const DesignResult& r) {
  if (!r.ok) return INFINITY;
  return log_value(objective_combination(c.study.objective),
                   {r.latency_s, r.energy_j, r.area_mm2, r.avg_power_w});
}

// For each held-out network: the generated hardware's simulated objective against the best of
// the evaluator's top designs, re-simulated. Ratios are of the objective itself (EDP, ...).
Json check_generator(const StudyContext& c, HardwareGenerator& generator,
                     const std::vector<std::vector<int>>& nets) {
  const auto generated = generated_hardware(generator, c.space, nets);
  // Per network: the generated design first, then the evaluator's top designs.
  std::vector<Sample> designs;
  std::vector<std::size_t> first;
  int64_t calls = 0;
  for (std::size_t i = 0; i < nets.size(); ++i) {
    first.push_back(designs.size());
    designs.push_back({0, generated[i], nets[i]});
    for (const auto& candidate :
         best_for(c, nets[i], static_cast<std::size_t>(c.study.generator.check_top), calls)) {
      designs.push_back({0, candidate.hardware, nets[i]});
    }
    if (c.progress)
      c.progress("generator check: rank", static_cast<int64_t>(i + 1),
                 static_cast<int64_t>(nets.size()), "");
  }
  first.push_back(designs.size());
  const int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::vector<DesignResult> simulated =
      simulate_designs(c.space, designs, jobs, [&](int64_t done, int64_t total) {
        if (c.progress) c.progress("generator check: simulate", done, total, "");
      });
  Json rows = Json::array();
  std::vector<double> ratios;  // finite ones
  int64_t within = 0;
  for (std::size_t i = 0; i < nets.size(); ++i) {
    double best = INFINITY;
    for (std::size_t k = first[i] + 1; k < first[i + 1]; ++k)
      best = std::min(best, log_objective(c, simulated[k]));
    const double mine = log_objective(c, simulated[first[i]]);
    // A generated design that runs where none of the evaluator's top designs does is within
    // tolerance, with no ratio to report; one that cannot run is not.
    const bool ok =
        std::isfinite(mine) &&
        (!std::isfinite(best) || std::exp(mine - best) <= 1.0 + c.study.generator.tolerance);
    Json ratio = nullptr;
    if (std::isfinite(mine) && std::isfinite(best)) {
      ratios.push_back(std::exp(mine - best));
      ratio = ratios.back();
    }
    within += ok;
    rows.push_back({{"network", nets[i]},
                    {"generated_hardware", generated[i]},
                    {"generated_runs", std::isfinite(mine)},
                    {"objective_ratio", ratio},
                    {"within_tolerance", ok}});
  }
  std::sort(ratios.begin(), ratios.end());
  const auto at = [&](double q) {
    if (ratios.empty()) return Json(nullptr);
    return Json(ratios[static_cast<std::size_t>(q * static_cast<double>(ratios.size() - 1))]);
  };
  return {
      {"networks", static_cast<int64_t>(nets.size())},
      {"tolerance", c.study.generator.tolerance},
      {"check_top", c.study.generator.check_top},
      {"within_tolerance", within},
      {"within_tolerance_fraction", static_cast<double>(within) / static_cast<double>(nets.size())},
      {"objective_ratio_median", at(0.5)},
      {"objective_ratio_p90", at(0.9)},
      {"objective_ratio_max", at(1.0)},
      {"networks_with_ratio", static_cast<int64_t>(ratios.size())},
      {"evaluator_calls", calls},
      {"rows", rows}};
}

}  // namespace

namespace {

// Everything the generator's weights depend on: a generator trained under another key is not
// this study's.
Json study_key(const StudyContext& c) {
  const GeneratorPlan& g = c.study.generator;
  Json constraints = Json::object();
  for (const auto& limit : c.study.constraints) constraints[limit.metric] = limit.limit;
  return {{"train_networks", g.train_networks},
          {"epochs", g.epochs},
          {"hidden", g.hidden},
          {"seed", c.study.seed},
          {"objective", {{"kind", c.study.objective.kind}, {"weights", c.study.objective.weights}}},
          {"constraints", constraints},
          {"evaluator_dataset", c.evaluator.sidecar().value("dataset", Json::object())}};
}

}  // namespace

std::string generator_path(const StudyContext& c) {
  return (generator_dir(c) / "generator.pt").string();
}

void prepare_generator(const StudyContext& c) {
  const GeneratorPlan& g = c.study.generator;
  const fs::path check_path = generator_dir(c) / "check.json";
  const auto trained = [&] {
    return fs::exists(generator_path(c)) && fs::exists(generator_path(c) + ".json");
  };
  if (fs::exists(check_path) && trained()) return;
  create_output_directory(generator_dir(c).string());
  const auto nets = sample_networks(c, g.train_networks + g.check_networks);
  const std::vector<std::vector<int>> train(nets.begin(), nets.begin() + g.train_networks);
  const std::vector<std::vector<int>> held_out(nets.begin() + g.train_networks, nets.end());
  if (!trained()) {
    const auto labels = labels_for(c, train);
    // Initial weights from the seed alone, not from whatever the warm-up left in torch's
    // generator: a resumed preparation must train the same generator.
    torch::manual_seed(c.study.seed);
    HardwareGenerator generator(c.space, g.hidden);
    const GeneratorFit fit =
        train_generator(generator, c.space, train, labels, g.epochs, c.study.seed);
    save_generator(generator, generator_path(c),
                   {{"study_key", study_key(c)},
                    {"hidden", g.hidden},
                    {"train_networks", g.train_networks},
                    {"epochs", g.epochs},
                    {"train_loss", fit.train_loss},
                    {"validation_loss", fit.validation_loss},
                    {"validation_exact", fit.validation_exact},
                    {"validation_dimension_accuracy", fit.dimension_accuracy}});
  }
  HardwareGenerator generator = load_study_generator(c);
  write_file_atomically(check_path.string(),
                        json_text(check_generator(c, generator, held_out), 2) + "\n");
}

HardwareGenerator load_study_generator(const StudyContext& c) {
  return load_generator(c.space, c.study.generator.hidden, generator_path(c), study_key(c));
}

}  // namespace duet::coexplore
