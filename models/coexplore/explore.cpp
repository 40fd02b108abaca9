#include "models/coexplore/explore.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "models/archive_file.hpp"
#include "models/coexplore/generator_setup.hpp"
#include "models/coexplore/point_runner.hpp"
#include "models/coexplore/seed_summary.hpp"
#include "models/evaluator/evaluator_files.hpp"
#include "sim/dse/dataset.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace duet::coexplore {
namespace {

namespace fs = std::filesystem;

// Files and folders a study writes in --out; a fresh run (--force) moves only these aside.
const char* const kOwned[] = {"points",     "warmup.pt", "summary.json", "pareto.csv",
                              "study.json", "generator", "trained",      "random_scores.json"};

std::vector<std::string> earlier_outputs(const std::string& out) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const char* name : kOwned)
    if (fs::exists(fs::path(out) / name, ec)) found.emplace_back(name);
  return found;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

// Finished work is never deleted: --force moves it into <out>/replaced/<n>/, a fresh n per
// replacement. Returns that directory.
std::string move_aside(const std::string& out, const std::vector<std::string>& names) {
  std::error_code ec;
  const fs::path replaced = fs::path(out) / "replaced";
  fs::create_directories(replaced, ec);
  fs::path aside;
  // Claimed with a non-recursive create: two runs replacing at once get different n.
  for (int n = 1;; ++n) {
    aside = replaced / std::to_string(n);
    if (fs::create_directory(aside, ec)) break;
    if (ec) throw InputError(aside.string() + ": cannot create (" + ec.message() + ")");
  }
  std::vector<std::string> moved;
  for (const auto& name : names) {
    fs::rename(fs::path(out) / name, aside / name, ec);
    if (!ec) {
      moved.push_back(name);
      continue;
    }
    const std::string why = ec.message();
    for (const auto& back : moved) fs::rename(aside / back, fs::path(out) / back, ec);
    throw InputError((fs::path(out) / name).string() + ": cannot move it aside to " +
                     aside.string() + " (" + why + "); --out is as it was");
  }
  return aside.string();
}

void report(const ExploreProgress& p, const std::string& stage, int64_t done, int64_t total,
            const std::string& note = "") {
  if (p) p(stage, done, total, note);
}

// Why the evaluator in `dir` no longer stands for this simulator on this space ("" if it does):
// its data came from another simulator version or schedule (the default schedule changed in
// duet-sim-2), or its sidecar does not say which. Only an evaluator that passes its integrity
// check can be stale: a corrupt or edited one is Evaluator::load's to refuse, and --out is left
// as it was.
std::string stale_evaluator(const std::string& dir, const SearchSpace& space) {
  Json sidecar;
  try {
    sidecar = read_json_file(evaluator_sidecar_path(dir));
    verify_evaluator_integrity(sidecar, evaluator_sidecar_path(dir), evaluator_weights_path(dir));
  } catch (const InputError&) {
    return "";
  }
  const Json dataset = sidecar.is_object() ? sidecar.value("dataset", Json()) : Json();
  auto text = [&](const char* key) {
    const Json v = dataset.is_object() ? dataset.value(key, Json()) : Json();
    return v.is_string() ? v.get<std::string>() : std::string();
  };
  const std::string version = text("simulator_version"), schedule = text("schedule");
  const std::string wanted = schedule_name(space_base_config(space).schedule);
  if (version == kSimulatorVersion && schedule == wanted) return "";
  if (version.empty() || schedule.empty())
    return "its sidecar does not record its data's simulator version and schedule";
  return "its data came from " + version + " under the " + schedule + " schedule, not " +
         kSimulatorVersion + " under " + wanted;
}

// The study's evaluator, generated and trained into its directory the first time (both steps
// resume, so a killed first run loses little), then reused by every run that names it. A stale
// one is moved into <dir>/replaced/<n>/ and rebuilt.
Evaluator ensure_evaluator(const Study& s, const SearchSpace& space, const ExploreProgress& p) {
  const std::string& dir = s.evaluator.dir;
  if (const std::string why = stale_evaluator(dir, space); !why.empty()) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.path().filename() != "replaced") names.push_back(entry.path().filename());
    const std::string aside = move_aside(dir, names);
    std::cerr << "duet explore: the evaluator in " << dir << " is stale (" << why
              << "); it was moved to " << aside << " and is rebuilt\n";
  }
  if (!fs::exists(evaluator_sidecar_path(dir))) {
    try {
      create_output_directory(dir);
    } catch (const InputError& e) {
      throw InputError(s.path + ": evaluator.dir: " + e.what());
    }
    DatasetOptions d;
    d.space_path = s.space_path;
    d.out_path = dir + "/dataset.csv";
    d.samples = s.evaluator.samples;
    d.seed = s.evaluator.seed;
    d.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    d.resume = true;
    d.progress = [&](int64_t done, int64_t total) { report(p, "evaluator data", done, total); };
    generate_dataset(d);
    EvaluatorTrainOptions t;
    t.data_path = d.out_path;
    t.space_path = s.space_path;
    t.out_dir = dir;
    t.epochs = s.evaluator.epochs;
    t.seed = s.evaluator.seed;
    t.resume = true;
    t.progress = [&](int epoch, int epochs, double, double validation) {
      report(p, "evaluator training", epoch, epochs,
             "validation " + std::to_string(validation).substr(0, 6));
    };
    train_evaluator(t);
  }
  Evaluator evaluator = Evaluator::load(dir);
  evaluator.check_space(space);
  return evaluator;
}

void check_writable(const std::string& out) {
  if (out.empty()) throw InputError("--out: must name a directory");
  std::error_code ec;
  fs::create_directories(out, ec);
  // Per process: shares of one run (MPI ranks) probe the same --out at once.
  const std::string probe =
      (fs::path(out) / (".duet-write-probe-" + std::to_string(::getpid()))).string();
  write_file_atomically(probe, "");  // throws InputError naming the path
  fs::remove(probe, ec);
}

Json study_record(const Study& s, bool quick, const Evaluator& evaluator,
                  const std::vector<PointPlan>& plan) {
  Json ids = Json::array();
  for (const auto& p : plan) ids.push_back(p.id);
  Json record = {{"format", "duet-explore-1"},
                 {"study", s.resolved},
                 {"quick", quick},
                 {"evaluator",
                  {{"dir", s.evaluator.dir},
                   {"dataset", evaluator.sidecar().value("dataset", Json::object())}}},
                 {"hypervolume_reference",
                  {{"accuracy", s.reference_accuracy}, {"edp_js", s.reference_edp_js}}},
                 {"points", ids}};
  if (s.family != "mbconv") record["family"] = s.family;  // mbconv records stay as they were
  return record;
}

void warm_up_once(const StudyContext& c) {
  if (fs::exists(c.warmup_path)) return;
  Supernet net = seeded_supernet(c.space.network, c.study.seed);
  warm_up(net, c.data.train, c.study.budget, c.study.seed,
          [&](int64_t d, int64_t t, const std::string& note) {
            report(c.progress, "warm-up", d, t, note);
          });
  torch::serialize::OutputArchive archive;
  net->save(archive);
  save_archive_atomically(archive, c.warmup_path, "warm-up checkpoint");
}

}  // namespace

CostOnlyResult search_cost_only(const std::string& study_path, const std::string& evaluator_dir,
                                double lambda, uint64_t seed) {
  const Study study = load_study(study_path, false);
  const SearchSpace space = load_search_space(study.space_path);
  Evaluator evaluator = Evaluator::load(evaluator_dir);
  evaluator.check_space(space);
  const SearchResult r = search_cost_only(evaluator, space, study, lambda, seed);
  return {r.blocks, r.hardware, r.evaluator_calls};
}

namespace {

// Workers that claim points take the longest first, so that the last one to finish is short:
// the searches that train through the supernet (co-exploration, then the two-stage baselines)
// before those that only score samples (evolution, random). Otherwise plan order.
std::vector<std::size_t> point_order(const std::vector<PointPlan>& plan, bool longest_first) {
  std::vector<std::size_t> order(plan.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (!longest_first) return order;
  auto rank = [](const std::string& kind) {
    static const std::vector<std::string> kinds = {"coexplore", "hw-aware-nas-mobile",
                                                   "accuracy-first", "evolution", "random"};
    return std::find(kinds.begin(), kinds.end(), kind) - kinds.begin();
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return rank(plan[a].kind) < rank(plan[b].kind);
  });
  return order;
}

fs::path claim_path(const std::string& out_dir, const std::string& id) {
  return fs::path(out_dir) / "points" / (id + ".claim");
}

// True for the one worker whose exclusive create of the point's claim file succeeds.
bool claim_point(const std::string& out_dir, const std::string& id) {
  create_output_directory((fs::path(out_dir) / "points").string());
  const int fd = ::open(claim_path(out_dir, id).c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

// One study seed's run in o.out_dir: the whole study as it ran before seeds existed.
ExploreResult run_one_seed(const ExploreOptions& o, const Study& study) {
  const SearchSpace space = load_search_space(study.space_path);
  std::error_code out_ec, evaluator_ec;
  const fs::path out = fs::weakly_canonical(o.out_dir, out_ec);
  if (!out_ec && out == fs::weakly_canonical(study.evaluator.dir, evaluator_ec) && !evaluator_ec)
    throw InputError("--out " + o.out_dir + ": is the study's evaluator.dir; choose another --out");
  check_writable(o.out_dir);
  const std::vector<PointPlan> plan = plan_points(study, space);
  // A resumed run must be of the same study: refuse before building anything.
  const std::string record_path = (fs::path(o.out_dir) / "study.json").string();
  if (o.resume && fs::exists(record_path)) {
    const Json earlier = read_json_file(record_path);
    if (!earlier.is_object() || earlier.value("study", Json()) != study.resolved ||
        earlier.value("quick", !o.quick) != o.quick) {
      throw InputError(
          record_path +
          ": --out holds a run of another study or budget; use "
          "another --out, or --force (without --resume) to move it aside and start over");
    }
  }
  // Only a directory that is empty of study files or holds an earlier study is cleared: a
  // study.json of anything else means --out names the wrong directory.
  if (fs::exists(record_path)) {
    Json earlier;
    try {
      earlier = read_json_file(record_path);
    } catch (const InputError&) {
    }
    if (!earlier.is_object() || earlier.value("format", "") != "duet-explore-1") {
      throw InputError(record_path +
                       ": --out holds a study.json that duet explore did not write; "
                       "choose another --out");
    }
  }
  // A fresh run over earlier results refuses unless told to replace them (--force), and then
  // replaces them only once everything it needs has loaded. A share of the points (--point)
  // never touches what other shares wrote.
  const std::vector<std::string> earlier =
      !o.resume && o.points == 1 ? earlier_outputs(o.out_dir) : std::vector<std::string>{};
  if (!earlier.empty() && !o.force) {
    throw InputError("--out " + o.out_dir + ": holds an earlier run's results (" + joined(earlier) +
                     "); continue it with --resume, move them aside with --force, or choose "
                     "another --out");
  }

  // The SFU's tables before the evaluator, which may take minutes to build.
  const AcceleratorConfig base = space_base_config(space);
  SfuApproximations sfu(space, base);
  StudyContext c{
      study, space,     ensure_evaluator(study, space, o.progress),   base,      std::move(sfu),
      {},    o.out_dir, (fs::path(o.out_dir) / "warmup.pt").string(), o.progress};
  const Json record = study_record(study, o.quick, c.evaluator, plan);
  ExploreResult result;
  if (!earlier.empty()) result.moved_aside = move_aside(o.out_dir, earlier);
  if (fs::exists(record_path) && read_json_file(record_path) != record) {
    throw InputError(
        record_path +
        ": --out holds a run of another study, budget or evaluator; "
        "use another --out, or --force (without --resume) to move it aside and start over");
  }
  // Written once: shares of one run (--point, MPI ranks) find it equal and leave it alone.
  if (!fs::exists(record_path)) write_file_atomically(record_path, json_text(record, 2) + "\n");
  if (study.family != "fixed") {  // a fixed workload's study needs no images nor supernet
    c.data = load_study_data(study);
    warm_up_once(c);
    const auto& b = study.baselines;
    if (std::find(b.begin(), b.end(), "random") != b.end()) prepare_random_scores(c);
  }
  if (study.hardware_mode == "generator") prepare_generator(c);

  if (o.prepare_only) return result;
  for (const std::size_t i : point_order(plan, o.claim)) {
    if (!o.claim && static_cast<int>(i % o.points) != o.point) continue;
    if (fs::exists(fs::path(o.out_dir) / "points" / plan[i].id / "point.json")) {
      ++result.reused;
      continue;
    }
    if (o.stop_after >= 0 && result.computed >= o.stop_after) return result;
    if (o.claim && !claim_point(o.out_dir, plan[i].id)) continue;  // another worker has it
    run_point(c, plan[i]);
    ++result.computed;
    report(o.progress, "points", static_cast<int64_t>(i + 1), static_cast<int64_t>(plan.size()),
           plan[i].id);
    if (o.stop_after >= 0 && result.computed >= o.stop_after) return result;
  }
  if (o.points == 1 && !o.merge_later) {
    merge_explore(o.out_dir);
    result.summary_written = true;
  }
  return result;
}

// Several study seeds: seed s runs in <out>/seed-<s>/ with the study's seed + s, one after
// another (each resumes on its own), and the merge compares the methods paired by seed.
// seeds.json records how many, so that a merge sees a missing seed.
ExploreResult run_seeds(const ExploreOptions& o, const Study& study, int seeds) {
  check_writable(o.out_dir);
  if (fs::exists(fs::path(o.out_dir) / "study.json"))
    throw InputError("--out " + o.out_dir + ": holds a single-seed run; choose another --out");
  const std::string record_path = (fs::path(o.out_dir) / kSeedsFile).string();
  const Json record = {{"format", "duet-explore-seeds-1"},
                       {"study", study.resolved},
                       {"quick", o.quick},
                       {"seeds", seeds}};
  if (fs::exists(record_path) && read_json_file(record_path) != record) {
    throw InputError(record_path + ": --out holds a run of another study, budget or seed count; " +
                     "choose another --out");
  }
  if (!fs::exists(record_path)) write_file_atomically(record_path, json_text(record, 2) + "\n");
  ExploreResult total;
  for (int k = 0; k < seeds; ++k) {
    ExploreOptions one = o;
    one.out_dir = seed_dir(o.out_dir, k);
    one.merge_later = true;
    if (o.stop_after >= 0) one.stop_after = o.stop_after - total.computed;
    Study st = study;
    st.seed = study.seed + static_cast<uint64_t>(k);
    st.resolved["seed"] = st.seed;
    const ExploreResult r = run_one_seed(one, st);
    total.computed += r.computed;
    total.reused += r.reused;
    if (!r.moved_aside.empty())
      total.moved_aside += (total.moved_aside.empty() ? "" : ", ") + r.moved_aside;
    if (o.stop_after >= 0 && total.computed >= o.stop_after) return total;
  }
  if (o.points == 1 && !o.prepare_only) {
    merge_explore(o.out_dir);
    total.summary_written = true;
  }
  return total;
}

}  // namespace

void clear_point_claims(const std::string& out_dir) {
  std::error_code ec;
  std::vector<fs::path> dirs = {fs::path(out_dir) / "points"};
  for (int k = 0; fs::exists(seed_dir(out_dir, k), ec); ++k)
    dirs.push_back(fs::path(seed_dir(out_dir, k)) / "points");
  for (const fs::path& dir : dirs) {
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.path().extension() == ".claim") fs::remove(entry.path(), ec);
  }
}

ExploreResult run_explore(const ExploreOptions& o) {
  if (o.points < 1 || o.point < 0 || o.point >= o.points)
    throw InputError("--point must be K/N with 0 <= K < N");
  if (o.seeds < 0 || o.seeds > kMaxStudySeeds)
    throw InputError("--seeds: expected 1 to " + std::to_string(kMaxStudySeeds));
  const Study study = load_study(o.study_path, o.quick);
  const int seeds = o.seeds > 0 ? o.seeds : study.seeds;
  if (seeds == 1) return run_one_seed(o, study);
  return run_seeds(o, study, seeds);
}

}  // namespace duet::coexplore
