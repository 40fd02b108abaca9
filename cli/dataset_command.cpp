// duet dataset: simulate search-space samples into a CSV (and merge shards).
#include <boost/program_options.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/dataset_mpi.hpp"
#include "cli/options.hpp"
#include "cli/output_paths.hpp"
#include "cli/progress_bar.hpp"
#include "sim/dse/dataset.hpp"
#include "workloads/input_error.hpp"

namespace po = boost::program_options;

namespace duet::cli {
namespace {

// A finished dataset is never replaced implicitly: a run without --resume refuses, and with
// --force moves it aside first (rank 0 only under MPI).
void keep_earlier_output(const std::string& out, bool force) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(out, ec) || std::filesystem::file_size(out, ec) == 0)
    return;
  if (!force)
    throw InputError("--out " + out +
                     ": holds an earlier dataset; continue it with --resume, move it aside with "
                     "--force, or choose another --out");
  if (mpi_launcher_rank() > 0) return;
  for (int n = 1;; ++n) {
    const std::string aside = out + ".replaced-" + std::to_string(n);
    // A hard link claims the name atomically (a rename would silently replace an aside another
    // --force run made at the same moment); then the old name goes.
    std::filesystem::create_hard_link(out, aside, ec);
    if (ec == std::errc::file_exists) continue;
    if (ec || !std::filesystem::remove(out, ec))
      throw InputError(out + ": cannot move it aside to " + aside + " (" + ec.message() + ")");
    std::cerr << "duet dataset: the earlier " << out << " was moved to " << aside << "\n";
    return;
  }
}

int merge(int argc, char** argv) {
  std::string out;
  std::vector<std::string> inputs;
  po::options_description opts(
      "duet dataset merge: join shard files into one dataset, ordered by sample index\n\n"
      "usage: duet dataset merge --out data/cnn.csv data/cnn-0.csv data/cnn-1.csv ...\n\noptions");
  opts.add_options()("help,h", "show this help")("out", po::value(&out)->required(),
                                                 "merged dataset (CSV)")(
      "inputs", po::value(&inputs)->multitoken(), "shard files");
  po::positional_options_description positional;
  positional.add("inputs", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(opts).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  po::notify(vm);
  check_output_paths(given_outputs(vm, {"out"}), inputs);
  const int64_t rows = merge_datasets(inputs, out);
  std::cout << "wrote " << out << ": " << rows << " samples from " << inputs.size() << " files\n";
  return 0;
}

}  // namespace

int dataset_command(int argc, char** argv) {
  if (argc > 1 && !std::strcmp(argv[1], "merge")) return merge(argc - 1, argv + 1);
  DatasetOptions o;
  std::string shard = "0/1";
  bool force = false;
  po::options_description opts(
      "duet dataset: simulate samples of a search space into a CSV for the evaluator\n\n"
      "usage: duet dataset --space configs/spaces/cnn-fmnist.json --samples 20000 --out "
      "data/cnn.csv [--jobs N] [--seed S] [--shard K/N] [--resume]\n"
      "       mpirun -np R duet dataset --space ... --samples ... --out data/cnn.csv [--jobs N]\n"
      "       duet dataset merge --out all.csv shard-0.csv shard-1.csv ...\n\n"
      "Under mpirun (or srun) the R ranks split the samples, each with N worker processes, and\n"
      "rank 0 writes the one output (same bytes as a single process); --out must be on a file\n"
      "system all ranks share. Without MPI, run --shard K/N jobs and join them with `merge`.\n\n"
      "options");
  opts.add_options()("help,h", "show this help")("space", po::value(&o.space_path)->required(),
                                                 "search space (JSON)")(
      "samples", po::value(&o.samples)->default_value(1000), "number of samples (indices 0..N-1)")(
      "out", po::value(&o.out_path)->required(), "dataset (CSV), written atomically at the end")(
      "jobs", po::value(&o.jobs)->default_value(1), "worker processes (per MPI rank)")(
      "seed", po::value(&o.seed)->default_value(0), "sample i depends only on (seed, i)")(
      "shard", po::value(&shard)->default_value("0/1"),
      "K/N: compute only indices i with i % N == K (job arrays; join with `dataset merge`)")(
      "resume", po::bool_switch(&o.resume),
      "keep finished samples of an interrupted run (under MPI: of each rank)")(
      "force", po::bool_switch(&force),
      "start over over an existing --out: it is moved to <out>.replaced-<n>, never deleted "
      "(without --resume or --force such a run refuses)");
  po::variables_map vm;
  try {
    if (!parse_options(argc, argv, opts, vm)) return 0;
    check_output_paths(given_outputs(vm, {"out"}), {o.space_path});
    if (o.jobs < 1 || o.jobs > 256)
      throw InputError("--jobs: expected 1 to 256, got " + std::to_string(o.jobs));
    {
      const Share share = parse_share(shard, "shard");
      o.shard = share.k;
      o.shards = share.n;
    }
    if (force && o.resume) throw InputError("--force and --resume exclude each other");
    if (!o.resume) keep_earlier_output(o.out_path, force);
  } catch (...) {
    // Under mpirun every rank parses the same command line, so rank 0 reports the mistake and
    // sets the exit code; another rank exiting non-zero first could get rank 0 killed unheard.
    if (mpi_launcher_rank() > 0) return 0;
    throw;
  }

  ProgressBar bar("dataset");
  const auto start = std::chrono::steady_clock::now();
  DatasetReporting reporting;
  reporting.progress = [&](int64_t done, int64_t total) {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::ostringstream note;
    note << done << "/" << total;
    if (s > 0 && done > 0) {
      note << std::fixed << std::setprecision(0) << " " << done / s << " samples/s, "
           << (total - done) / (done / s) << " s left";
    }
    bar.update(done, total, note.str());
  };
  reporting.summary = [&](const DatasetSummary& s, int ranks) {
    std::cout << "wrote " << o.out_path << ": " << s.rows << " samples (" << s.invalid
              << " invalid), " << s.computed << " simulated in " << std::fixed
              << std::setprecision(2) << s.seconds << " s"
              << (s.seconds > 0 ? " (" + std::to_string(static_cast<int>(s.computed / s.seconds)) +
                                      " samples/s)"
                                : "")
              << (ranks > 1 ? " on " + std::to_string(ranks) + " MPI ranks" : "") << "\n";
  };
  if (started_by_mpi_launcher()) {
    return generate_dataset_on_ranks(o, !vm["shard"].defaulted(), reporting);
  }
  o.progress = reporting.progress;
  reporting.summary(generate_dataset(o), 1);
  return 0;
}

}  // namespace duet::cli
