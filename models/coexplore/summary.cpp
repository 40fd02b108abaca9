#include "models/coexplore/summary.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "models/coexplore/explore.hpp"
#include "models/coexplore/seed_summary.hpp"
#include "sim/report_writer.hpp"
#include "sim/simulate.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/workload_io.hpp"

namespace duet::coexplore {
namespace {

namespace fs = std::filesystem;

// A fixed workload's accuracy may be unknown (null): NaN then, which no hypervolume counts.
Design design_of(const Json& entry) {
  const Json& a = entry.at("accuracy");
  return {a.is_null() ? NAN : a.get<double>(), entry.at("simulated").at("edp_js").get<double>()};
}

// Fixed-workload studies: per workload, the best design any point found; and every workload
// re-simulated on every workload's best accelerator, which answers "is the best accelerator
// for the student different, and by how much does the pair beat the teacher on its own?".
Json workload_comparison(const std::string& out_dir, const Json& entries) {
  Json best = Json::object();
  for (const Json& e : entries) {
    const std::string w = e.at("network").at("workload");
    const double edp = e.at("simulated").at("edp_js").get<double>();
    const bool met = e.at("constraints_met").get<bool>();
    // A design that meets the study's limits beats one that does not, whatever its EDP.
    const bool better =
        !best.contains(w) || (met && !best[w]["constraints_met"].get<bool>()) ||
        (met == best[w]["constraints_met"].get<bool>() && edp < best[w]["edp_js"].get<double>());
    if (better) {
      best[w] = {{"id", e.at("id")},
                 {"kind", e.at("kind")},
                 {"edp_js", edp},
                 {"constraints_met", met},
                 {"accuracy", e.at("accuracy")},
                 {"hardware", e.at("hardware")},
                 {"accelerator", e.at("accelerator")},
                 {"workload", e.at("workload")}};
    }
  }
  Json cross = Json::object();
  for (const auto& [w, on_own] : best.items()) {
    const Workload workload =
        load_workload_json((fs::path(out_dir) / on_own.at("workload").get<std::string>()).string());
    for (const auto& [h, other] : best.items()) {
      const AcceleratorConfig config = load_accelerator(
          (fs::path(out_dir) / other.at("accelerator").get<std::string>()).string());
      try {
        cross[w][h] = simulate(config, workload).edp_js;
      } catch (const InputError&) {
        cross[w][h] = nullptr;  // w cannot run on h's best accelerator (say, a buffer too small)
      }
    }
  }
  return {{"best", best}, {"edp_js_on_best_hardware_of", cross}};
}

Json number_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(); }

// Every method on the same footing (#22): the hypervolume above a floor fixed in advance
// (accuracy-first's accuracy minus one point; the study's reference accuracy without it), the
// lowest EDP at accuracy >= accuracy-first - 0.25, 0.5 and 1.0 points, and co-exploration
// against every baseline on both.
Json method_comparison(const Json& all, const Design& reference) {
  std::map<std::string, std::vector<Design>> by_kind;
  for (const Json& e : all) by_kind[e.at("kind").get<std::string>()].push_back(design_of(e));
  double base = NAN;
  if (by_kind.count("accuracy-first")) base = by_kind["accuracy-first"].front().accuracy;
  const Design floor{std::isfinite(base) ? base - 0.01 : reference.accuracy, reference.edp_js};
  Json volume = Json::object(), at = Json::object();
  for (const auto& [kind, designs] : by_kind) {
    volume[kind] = hypervolume(designs, floor);
    for (const char* w : kAccuracyWindows)
      at[kind][w] = number_or_null(edp_at_accuracy(designs, base - std::stod(w) / 100));
  }
  Json against = Json::object();
  if (by_kind.count("coexplore")) {
    for (const auto& [kind, designs] : by_kind) {
      if (kind == "coexplore") continue;
      Json& a = against[kind];
      a["hypervolume_difference"] = volume["coexplore"].get<double>() - volume[kind].get<double>();
      for (const char* w : kAccuracyWindows) {
        const Json mine = at["coexplore"][w], theirs = at[kind][w];
        a["edp_ratio_at_accuracy"][w] = mine.is_null() || theirs.is_null()
                                            ? Json()
                                            : Json(theirs.get<double>() / mine.get<double>());
      }
    }
  }
  return {{"floor",
           {{"accuracy", floor.accuracy},
            {"edp_js", floor.edp_js},
            {"rule", std::isfinite(base) ? "accuracy-first's accuracy minus 1 point"
                                         : "the study's hypervolume_reference.accuracy"}}},
          {"hypervolume_above_floor", volume},
          {"edp_at_accuracy", at},
          {"coexplore_against", against}};
}

std::string pareto_csv(const Json& entries) {
  std::vector<Design> designs;
  for (const Json& e : entries) designs.push_back(design_of(e));
  const std::vector<bool> front = pareto_optimal(designs);
  std::ostringstream out;
  out.precision(10);
  out << "id,kind,lambda,accuracy,latency_s,energy_j,area_mm2,edp_js,predicted_edp_js,"
         "constraints_met,pareto_optimal\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Json& e = entries[i];
    const Json& s = e.at("simulated");
    out << e.at("id").get<std::string>() << "," << e.at("kind").get<std::string>() << ","
        << e.at("lambda").get<double>() << ",";
    if (!e.at("accuracy").is_null()) out << e.at("accuracy").get<double>();  // unknown: empty
    out << "," << s.at("latency_s").get<double>() << "," << s.at("energy_j").get<double>() << ","
        << s.at("area_mm2").get<double>() << "," << s.at("edp_js").get<double>() << ","
        << e.at("predicted").at("edp_js").get<double>() << ","
        << (e.at("constraints_met").get<bool>() ? 1 : 0) << "," << (front[i] ? 1 : 0) << "\n";
  }
  return out.str();
}

// The evaluator's dataset record in study.json ("" when absent).
std::string dataset_text(const Json& record, const char* key) {
  const Json e = record.value("evaluator", Json::object());
  const Json d = e.is_object() ? e.value("dataset", Json::object()) : Json();
  const Json v = d.is_object() ? d.value(key, Json()) : Json();
  return v.is_string() ? v.get<std::string>() : "";
}

// `reading` is kept naming the file whose fields are being read, for the error message.
void merge_points(const std::string& out_dir, std::string& reading);

// point.json as run_point writes it, field by field: a hand-edited file must not turn into a
// plausible summary.
void check_point_entry(const std::string& path, const Json& e, const std::string& id) {
  auto fail = [&](const std::string& field, const std::string& why) {
    throw InputError(path + ": " + field + ": " + why + " (not as duet explore writes it)");
  };
  if (!e.is_object()) fail("(top)", "expected an object");
  if (e.value("id", Json()) != id) fail("id", "must be \"" + id + "\", its directory");
  static const std::vector<std::string> kinds = {
      "coexplore", "accuracy-first", "hw-aware-nas-mobile", "random", "evolution", "exhaustive"};
  const Json kind = e.value("kind", Json());
  if (!kind.is_string() || std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
    fail("kind", "unknown kind");
  const Json accuracy = e.value("accuracy", Json(-1));
  if (!accuracy.is_null() &&
      !(accuracy.is_number() && accuracy.get<double>() >= 0 && accuracy.get<double>() <= 1))
    fail("accuracy", "expected null or a number in [0, 1]");
  if (e.contains("accuracy_seeds")) {
    const Json& seeds = e["accuracy_seeds"];
    bool valid = seeds.is_array() && seeds.size() > 1;
    double mean = 0;
    for (const Json& a : seeds) {
      valid = valid && a.is_number() && a.get<double>() >= 0 && a.get<double>() <= 1;
      if (valid) mean += a.get<double>() / static_cast<double>(seeds.size());
    }
    if (!valid) fail("accuracy_seeds", "expected a list of at least two numbers in [0, 1]");
    if (!accuracy.is_number() || std::abs(accuracy.get<double>() - mean) > 1e-9)
      fail("accuracy", "must be the mean of accuracy_seeds");
  }
  if (e.contains("accuracy_exact")) {
    const Json a = e["accuracy_exact"];
    if (!a.is_null() && !(a.is_number() && a.get<double>() >= 0 && a.get<double>() <= 1))
      fail("accuracy_exact", "expected null or a number in [0, 1]");
    static const std::regex approximation("exact|ibert|nnlut-[0-9]+");
    const Json name = e.value("approximation", Json());
    if (!name.is_string() || !std::regex_match(name.get<std::string>(), approximation))
      fail("approximation", "expected exact, ibert or nnlut-<entries>");
  }
  for (const char* figures : {"predicted", "simulated"}) {
    const Json f = e.value(figures, Json());
    for (const char* metric : {"latency_s", "energy_j", "area_mm2", "edp_js"}) {
      const Json v = f.is_object() ? f.value(metric, Json()) : Json();
      if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()))
        fail(std::string(figures) + "." + metric, "expected a positive number");
    }
  }
  if (!e.value("constraints_met", Json()).is_boolean())
    fail("constraints_met", "expected a boolean");
  for (const char* number : {"lambda", "seconds"}) {
    const Json v = e.value(number, Json());
    if (!v.is_number() || !(v.get<double>() >= 0)) fail(number, "expected a number >= 0");
  }
  for (const char* object : {"network", "hardware"}) {
    if (!e.value(object, Json()).is_object()) fail(object, "expected an object");
  }
}

// generator/check.json as prepare_generator writes it (its summary fields).
Json generator_check_summary(const std::string& path) {
  Json g = read_json_file(path);
  auto fail = [&](const std::string& field) {
    throw InputError(path + ": " + field + ": not as duet explore writes it");
  };
  if (!g.is_object()) fail("(top)");
  for (const char* n : {"networks", "within_tolerance", "within_tolerance_fraction", "tolerance"}) {
    if (!g.value(n, Json()).is_number() || !(g[n].get<double>() >= 0)) fail(n);
  }
  if (g["within_tolerance_fraction"].get<double>() > 1) fail("within_tolerance_fraction");
  g.erase("rows");  // per-network rows stay in generator/check.json
  return g;
}

}  // namespace

double hypervolume(const std::vector<Design>& designs, const Design& reference) {
  std::vector<Design> sorted;
  for (const auto& d : designs) {
    if (d.accuracy > reference.accuracy && d.edp_js < reference.edp_js) sorted.push_back(d);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const Design& a, const Design& b) { return a.edp_js < b.edp_js; });
  // Sweep from the cheapest design: each design more accurate than all cheaper ones adds the
  // slab between the best accuracy so far and its own, over its log-EDP distance to the reference.
  double area = 0, best = reference.accuracy;
  for (const auto& d : sorted) {
    if (d.accuracy <= best) continue;
    area += (d.accuracy - best) * (std::log10(reference.edp_js) - std::log10(d.edp_js));
    best = d.accuracy;
  }
  return area;
}

std::vector<bool> pareto_optimal(const std::vector<Design>& designs) {
  std::vector<bool> front(designs.size(), true);
  for (std::size_t i = 0; i < designs.size(); ++i) {
    for (std::size_t j = 0; j < designs.size() && front[i]; ++j) {
      const Design &a = designs[i], &b = designs[j];
      const bool no_worse = b.accuracy >= a.accuracy && b.edp_js <= a.edp_js;
      const bool better = b.accuracy > a.accuracy || b.edp_js < a.edp_js;
      if (j != i && no_worse && better) front[i] = false;
    }
  }
  return front;
}

double edp_at_accuracy(const std::vector<Design>& designs, double floor) {
  double best = NAN;
  for (const Design& d : designs) {
    if (d.accuracy >= floor && !(d.edp_js >= best)) best = d.edp_js;
  }
  return best;
}

void merge_explore(const std::string& out_dir) {
  if (fs::exists(fs::path(out_dir) / kSeedsFile)) {
    merge_seeds(out_dir);
    return;
  }
  std::string reading = (fs::path(out_dir) / "study.json").string();
  try {
    merge_points(out_dir, reading);
  } catch (const Json::exception& e) {
    // study.json and point.json are written by duet explore; a hand-edited or truncated one
    // is bad input, not a crash.
    throw InputError(reading + ": not as duet explore writes it (" + exception_text(e) + ")");
  }
}

namespace {

void merge_points(const std::string& out_dir, std::string& reading) {
  const std::string record_path = (fs::path(out_dir) / "study.json").string();
  const Json record = read_json_file(record_path);
  Json points = Json::array(), baselines = Json::array(), all = Json::array();
  std::string missing;
  double seconds = 0;
  for (const Json& id : record.at("points")) {
    const fs::path path = fs::path(out_dir) / "points" / id.get<std::string>() / "point.json";
    if (!fs::exists(path)) {
      missing += (missing.empty() ? "" : ", ") + id.get<std::string>();
      continue;
    }
    reading = path.string();
    const Json entry = read_json_file(path.string());
    check_point_entry(path.string(), entry, id.get<std::string>());
    reading = record_path;  // what follows in the loop reads checked fields
    (entry.at("kind") == "coexplore" ? points : baselines).push_back(entry);
    all.push_back(entry);
    seconds += entry.at("seconds").get<double>();
  }
  if (!missing.empty()) {
    throw InputError(out_dir + ": points not finished yet: " + missing +
                     " (run them with --resume or --point K/N)");
  }
  const Json& ref = record.at("hypervolume_reference");
  const Design reference{ref.at("accuracy").get<double>(), ref.at("edp_js").get<double>()};
  if (!(reference.edp_js > 0) || !std::isfinite(reference.edp_js))
    throw InputError(record_path + ": hypervolume_reference.edp_js must be a positive number");
  Json volumes = Json::object();
  for (const Json& e : all) {
    const std::string kind = e.at("kind");
    if (volumes.contains(kind)) continue;
    std::vector<Design> designs;
    for (const Json& f : all) {
      if (f.at("kind") == kind) designs.push_back(design_of(f));
    }
    volumes[kind] = hypervolume(designs, reference);
  }
  const Json& study = record.at("study");
  Json summary = {{"study", study.at("name")},
                  {"objective", study.at("objective")},
                  {"constraints", study.value("constraints", Json::object())},
                  {"lambdas", study.at("lambdas")},
                  {"points", points},
                  {"baselines", baselines},
                  {"hypervolume", volumes},
                  {"hypervolume_reference", ref},
                  {"comparison", method_comparison(all, reference)},
                  // What simulated its evaluator's data and its designs (#21).
                  {"simulator",
                   {{"schedule", dataset_text(record, "schedule")},
                    {"simulator_version", dataset_text(record, "simulator_version")}}},
                  {"seconds", seconds}};
  if (record.value("family", "mbconv") == "fixed") {
    summary["workloads"] = workload_comparison(out_dir, all);
  }
  const fs::path check = fs::path(out_dir) / "generator" / "check.json";
  if (record.at("study").value("hardware_mode", "logits") == "generator") {
    if (!fs::exists(check))
      throw InputError(check.string() + ": missing; rerun with --resume to check the generator");
    summary["generator_check"] = generator_check_summary(check.string());
  }
  write_files_atomically(
      {{(fs::path(out_dir) / "summary.json").string(), json_text(summary, 2) + "\n"},
       {(fs::path(out_dir) / "pareto.csv").string(), pareto_csv(all)}});
}

}  // namespace

}  // namespace duet::coexplore
