// duet explore: co-exploration studies (DANCE's gradient search over network and accelerator,
// with baselines), run in one process, in worker processes (--jobs), or as shares (--point).
#include <spawn.h>
#include <sys/wait.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/explore_mpi.hpp"
#include "cli/mpi_ranks.hpp"
#include "cli/options.hpp"
#include "cli/output_paths.hpp"
#include "cli/progress_bar.hpp"
#include "models/coexplore/explore.hpp"
#include "models/coexplore/study.hpp"
#include "models/torch_threads.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

extern char** environ;

namespace po = boost::program_options;

namespace duet::cli {
namespace {

// Runs the study's points in `jobs` child processes (this binary with --point k/jobs), each
// with its own SystemC kernel and libtorch; returns how many failed.
int run_workers(const std::vector<std::string>& base_args, int jobs) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::vector<pid_t> pids;
  for (int k = 0; k < jobs; ++k) {
    std::vector<std::string> args = base_args;
    args.insert(args.begin(), self);
    args.push_back("--point");
    args.push_back(std::to_string(k) + "/" + std::to_string(jobs));
    args.push_back("--resume");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
      throw InputError("--jobs: cannot start a worker process (" +
                       std::string(std::strerror(errno)) + ")");
    }
    pids.push_back(pid);
  }
  int failed = 0;
  for (pid_t pid : pids) {
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  return failed;
}

void print_moved_aside(const coexplore::ExploreResult& r) {
  if (!r.moved_aside.empty())
    std::printf("the earlier run's results were moved to %s\n", r.moved_aside.c_str());
}

int merge(int argc, char** argv) {
  std::string out;
  po::options_description opts(
      "duet explore merge: join the points of a study's --out (after --point K/N shares) into "
      "summary.json and pareto.csv\n\nusage: duet explore merge --out runs/cnn-edp\n\noptions");
  opts.add_options()("help,h", "show this help")("out", po::value(&out)->required(),
                                                 "the study's output directory");
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return 0;
  coexplore::merge_explore(out);
  std::printf("summary: %s/summary.json, %s/pareto.csv\n", out.c_str(), out.c_str());
  return 0;
}

int explore(int argc, char** argv);

}  // namespace

int explore_command(int argc, char** argv) {
  // Study runs touch JSON files, libtorch and the filesystem; whatever escapes them is reported
  // in one line rather than aborting a long run's process without a word.
  try {
    if (argc >= 2 && !std::strcmp(argv[1], "merge")) return merge(argc - 1, argv + 1);
    return explore(argc, argv);
  } catch (const InputError&) {
    throw;
  } catch (const boost::program_options::error&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(exception_text(e).substr(0, 400));
  }
}

namespace {

int explore(int argc, char** argv) {
  coexplore::ExploreOptions o;
  std::string point;
  int jobs = 1, threads = 1;
  po::options_description opts(
      "duet explore: co-explore network and accelerator (DANCE) as a study, with baselines at "
      "the same budget; every derived design is re-simulated and trained from scratch\n\n"
      "usage: duet explore --study configs/studies/cnn-fmnist-edp.json --out runs/cnn-edp "
      "[--jobs N] [--resume] [--quick]\n"
      "       duet explore --study ... --out ... --prepare      (shared parts only)\n"
      "       duet explore --study ... --out ... --point K/N    (a share, e.g. a Slurm array "
      "task)\n"
      "       duet explore merge --out runs/cnn-edp\n\n"
      "writes summary.json, pareto.csv, study.json, warmup.pt and points/<id>/ (workload.json, "
      "accel.json, derived.pt, search_log.csv, point.json)\n\noptions");
  opts.add_options()("help,h", "show this help")("study", po::value(&o.study_path)->required(),
                                                 "study JSON (configs/studies/*.json)")(
      "out", po::value(&o.out_dir)->required(), "output directory")(
      "quick", po::bool_switch(&o.quick), "the study's small \"quick\" budgets (demo, tests)")(
      "resume", po::bool_switch(&o.resume),
      "keep the finished points and warm-up of an interrupted run")(
      "force", po::bool_switch(&o.force),
      "start over in an --out that holds results: they are moved to <out>/replaced/<n>/, "
      "never deleted (without --resume or --force such a run refuses)")(
      "jobs", po::value(&jobs)->default_value(jobs), "worker processes for the points")(
      "point", po::value(&point),
      "compute only points i with i % N == K (K/N); implies keeping "
      "other shares' points; join with `duet explore merge`")(
      "prepare", po::bool_switch(&o.prepare_only),
      "only build what every point shares: the evaluator, the warm-up and, in generator mode, "
      "the hardware generator (run once before --point shares)")(
      "threads", po::value(&threads)->default_value(threads), "libtorch intra-op threads")(
      "seeds", po::value(&o.seeds),
      "study seeds (overrides the study's \"seeds\"): each in <out>/seed-<s>/, the methods "
      "compared paired by seed with 95% intervals")(
      "claim", po::bool_switch(&o.claim),
      "(--jobs workers) claim unfinished points, longest first, instead of i % N")(
      "stop-after", po::value(&o.stop_after)->default_value(-1),
      "stop after computing this many points, as a kill would (tests --resume)");
  po::variables_map vm;
  bool ranks = false;
  try {
    if (!parse_options(argc, argv, opts, vm)) return 0;
    check_output_paths(given_outputs(vm, {"out"}, true), {o.study_path});
    if (jobs < 1 || jobs > 256)
      throw InputError("--jobs: expected 1 to 256, got " + std::to_string(jobs));
    if (threads < 1 || threads > 256)
      throw InputError("--threads: expected 1 to 256, got " + std::to_string(threads));
    if (vm.count("point")) {
      const Share share = parse_share(point, "point");
      o.point = share.k;
      o.points = share.n;
    }
    if (vm.count("point") && jobs > 1) throw InputError("--jobs and --point exclude each other");
    if (o.stop_after < -1) throw InputError("--stop-after: expected -1 (off) or a count >= 0");
    if (vm.count("seeds") && (o.seeds < 1 || o.seeds > coexplore::kMaxStudySeeds))
      throw InputError("--seeds: expected 1 to " + std::to_string(coexplore::kMaxStudySeeds) +
                       ", got " + std::to_string(o.seeds));
    if (o.force && o.resume) throw InputError("--force and --resume exclude each other");
    if (o.force && vm.count("point"))
      throw InputError(
          "--force and --point exclude each other (a share never replaces the "
          "other shares' results; run --prepare --force first)");
    ranks = started_by_mpi_launcher() && mpi_launcher_size() != 1;
    if (ranks && (jobs > 1 || vm.count("point") || o.prepare_only || o.stop_after >= 0)) {
      throw InputError(
          "under an MPI launcher the ranks share the points: --jobs, --point, --prepare and "
          "--stop-after do not apply");
    }
  } catch (...) {
    // Under mpirun every rank parses the same command line, so rank 0 reports the mistake and
    // sets the exit code; another rank exiting non-zero first could get rank 0 killed unheard.
    if (mpi_launcher_rank() > 0) return 0;
    throw;
  }
  set_torch_threads(threads);
  StageBars bars;
  o.progress = bars.callback();
  if (ranks) {
    const int code = explore_on_ranks(o);
    bars.finish();
    return code;
  }

  if (jobs > 1) {
    coexplore::ExploreOptions prepare = o;
    prepare.prepare_only = true;
    // The shared parts (evaluator, warm-up, random scores) run before any worker: all the
    // workers' threads are theirs.
    set_torch_threads(threads * jobs);
    const coexplore::ExploreResult prepared = coexplore::run_explore(prepare);
    set_torch_threads(threads);
    bars.finish();
    print_moved_aside(prepared);
    coexplore::clear_point_claims(o.out_dir);
    std::vector<std::string> args = {"explore",
                                     "--study",
                                     o.study_path,
                                     "--out",
                                     o.out_dir,
                                     "--threads",
                                     std::to_string(threads),
                                     "--claim"};
    if (o.quick) args.push_back("--quick");
    if (o.seeds > 0) {
      args.push_back("--seeds");
      args.push_back(std::to_string(o.seeds));
    }
    const int failed = run_workers(args, jobs);
    coexplore::clear_point_claims(o.out_dir);
    if (failed) {
      throw InputError(std::to_string(failed) + " worker(s) failed; rerun with --resume");
    }
    coexplore::merge_explore(o.out_dir);
    std::printf("summary: %s/summary.json, %s/pareto.csv\n", o.out_dir.c_str(), o.out_dir.c_str());
    return 0;
  }
  const coexplore::ExploreResult r = coexplore::run_explore(o);
  bars.finish();
  print_moved_aside(r);
  std::printf("points: %d computed, %d kept from an earlier run\n", r.computed, r.reused);
  if (r.summary_written) {
    std::printf("summary: %s/summary.json, %s/pareto.csv\n", o.out_dir.c_str(), o.out_dir.c_str());
  }
  return 0;
}

}  // namespace

}  // namespace duet::cli
