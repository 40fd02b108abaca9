#include "models/coexplore/seed_summary.hpp"

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <vector>

#include "models/coexplore/explore.hpp"
#include "models/coexplore/paired_comparison.hpp"
#include "models/coexplore/summary.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet::coexplore {
namespace {

namespace fs = std::filesystem;

double value_of(const Json& v) { return v.is_number() ? v.get<double>() : NAN; }

// Mean and 95% interval of a figure over seeds (NaN seeds left out).
Json mean_interval(const std::vector<double>& values) {
  const PairedComparison c = compare_paired(values);
  if (c.seeds == 0) return nullptr;
  return {{"mean", c.mean}, {"low", c.low}, {"high", c.high}, {"seeds", c.seeds}};
}

Json verdict_json(const PairedComparison& c) {
  if (c.seeds == 0) return {{"verdict", "n/a"}, {"seeds", 0}};
  return {{"mean_difference", c.mean},
          {"low", c.low},
          {"high", c.high},
          {"seeds", c.seeds},
          {"verdict", c.verdict}};
}

// Per (kind, λ): accuracy, EDP, latency and area over seeds.
Json designs_table(const std::vector<Json>& summaries) {
  std::map<std::string, std::map<std::string, std::vector<double>>> rows;
  std::map<std::string, Json> keys;
  for (const Json& s : summaries) {
    for (const char* list : {"points", "baselines"}) {
      for (const Json& e : s.at(list)) {
        const std::string row = e.at("kind").get<std::string>() + " " + e.at("lambda").dump();
        keys[row] = {{"kind", e.at("kind")}, {"lambda", e.at("lambda")}};
        auto& r = rows[row];
        r["accuracy"].push_back(value_of(e.at("accuracy")));
        for (const char* m : {"edp_js", "latency_s", "energy_j", "area_mm2"})
          r[m].push_back(value_of(e.at("simulated").at(m)));
      }
    }
  }
  Json table = Json::array();
  for (const auto& [row, figures] : rows) {
    Json entry = keys[row];
    for (const auto& [metric, values] : figures) entry[metric] = mean_interval(values);
    table.push_back(entry);
  }
  return table;
}

// Per kind: the hypervolume above the floor and edp_at_accuracy, over seeds.
Json methods_table(const std::vector<Json>& summaries) {
  Json out = Json::object();
  std::map<std::string, std::vector<double>> volume;
  std::map<std::string, std::map<std::string, std::vector<double>>> at;
  for (const Json& s : summaries) {
    const Json& c = s.at("comparison");
    for (const auto& [kind, v] : c.at("hypervolume_above_floor").items()) {
      volume[kind].push_back(value_of(v));
      for (const char* w : kAccuracyWindows)
        at[kind][w].push_back(value_of(c.at("edp_at_accuracy").at(kind).at(w)));
    }
  }
  for (const auto& [kind, values] : volume) {
    out[kind]["hypervolume_above_floor"] = mean_interval(values);
    for (const char* w : kAccuracyWindows)
      out[kind]["edp_at_accuracy"][w] = mean_interval(at[kind][w]);
  }
  return out;
}

// Co-exploration minus each baseline, paired by seed: the hypervolume difference, and
// log10(baseline EDP / co-exploration EDP) at each accuracy window (positive: co-exploration
// is cheaper; a seed where either has no design in the window is left out).
Json paired_verdicts(const std::vector<Json>& summaries) {
  std::map<std::string, std::vector<double>> volume;
  std::map<std::string, std::map<std::string, std::vector<double>>> ratio;
  for (const Json& s : summaries) {
    for (const auto& [kind, a] : s.at("comparison").at("coexplore_against").items()) {
      volume[kind].push_back(value_of(a.at("hypervolume_difference")));
      for (const char* w : kAccuracyWindows)
        ratio[kind][w].push_back(std::log10(value_of(a.at("edp_ratio_at_accuracy").at(w))));
    }
  }
  Json out = Json::object();
  for (const auto& [kind, values] : volume) {
    out[kind]["hypervolume_above_floor"] = verdict_json(compare_paired(values));
    for (const char* w : kAccuracyWindows)
      out[kind]["log10_edp_ratio_at_accuracy"][w] = verdict_json(compare_paired(ratio[kind][w]));
  }
  return out;
}

std::string joined_pareto(const std::string& out_dir, int seeds) {
  std::ostringstream out;
  for (int k = 0; k < seeds; ++k) {
    std::istringstream in(read_text_file((fs::path(seed_dir(out_dir, k)) / "pareto.csv").string()));
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
      if (header) {
        if (k == 0) out << "seed," << line << "\n";
        header = false;
        continue;
      }
      out << k << "," << line << "\n";
    }
  }
  return out.str();
}

}  // namespace

std::string seed_dir(const std::string& out_dir, int seed) {
  return (fs::path(out_dir) / ("seed-" + std::to_string(seed))).string();
}

void merge_seeds(const std::string& out_dir) {
  const std::string record_path = (fs::path(out_dir) / kSeedsFile).string();
  const Json record = read_json_file(record_path);
  const Json count = record.is_object() ? record.value("seeds", Json()) : Json();
  if (!count.is_number_integer() || count.get<int>() < 2 || count.get<int>() > 100)
    throw InputError(record_path + ": seeds: not as duet explore writes it");
  const int seeds = count.get<int>();
  std::vector<Json> summaries;
  for (int k = 0; k < seeds; ++k) {
    const std::string dir = seed_dir(out_dir, k);
    if (!fs::exists(fs::path(dir) / "study.json"))
      throw InputError(dir + ": seed " + std::to_string(k) +
                       " has not started yet (run with --resume)");
    merge_explore(dir);
    summaries.push_back(read_json_file((fs::path(dir) / "summary.json").string()));
  }
  const Json& study = record.at("study");
  Json per_seed = Json::array();
  for (int k = 0; k < seeds; ++k)
    per_seed.push_back({{"seed", study.value("seed", 0) + k},
                        {"dir", "seed-" + std::to_string(k)},
                        {"comparison", summaries[static_cast<std::size_t>(k)].at("comparison")}});
  double seconds = 0;
  for (const Json& s : summaries) seconds += s.value("seconds", 0.0);
  const Json summary = {{"study", study.value("name", "")},
                        {"seeds", seeds},
                        {"interval", "95% bootstrap of the mean over seeds (exact up to 12 seeds)"},
                        {"designs", designs_table(summaries)},
                        {"methods", methods_table(summaries)},
                        {"coexplore_against", paired_verdicts(summaries)},
                        {"per_seed", per_seed},
                        {"seconds", seconds}};
  write_files_atomically(
      {{(fs::path(out_dir) / "summary.json").string(), json_text(summary, 2) + "\n"},
       {(fs::path(out_dir) / "pareto.csv").string(), joined_pareto(out_dir, seeds)}});
}

}  // namespace duet::coexplore
