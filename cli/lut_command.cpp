// duet lut fit | eval | accuracy: NN-LUT tables.
#include <boost/program_options.hpp>
#include <cmath>
#include <cstring>
#include <iomanip>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_paths.hpp"
#include "cli/progress_bar.hpp"
#include "models/nnlut/fit.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/lut.hpp"

namespace po = boost::program_options;

namespace duet::cli {
namespace {

constexpr int kEvalPoints = 100001;

// Relative error means nothing where the function crosses zero (GELU, SiLU, tanh).
bool relative_error_meaningful(LutFunction f) {
  return f == LutFunction::kExp || f == LutFunction::kReciprocal || f == LutFunction::kRsqrt ||
         f == LutFunction::kSigmoid;
}

Json error_json(LutFunction f, const ApproximationError& e) {
  Json j = {{"max_abs_error", e.max_abs}, {"mean_abs_error", e.mean_abs}};
  if (relative_error_meaningful(f)) {
    j["max_rel_error"] = e.max_rel;
    j["mean_rel_error"] = e.mean_rel;
  }
  return j;
}

ApproximationError table_error(const PiecewiseLinearLut& lut, double lo, double hi) {
  return measure_error(
      lut.function, [&](double x) { return lut(x); }, lo, hi, kEvalPoints,
      evaluation_log_spaced(lut.function));
}

int fit(int argc, char** argv) {
  std::string function, precision, out;
  FitOptions options;
  po::options_description opts(
      "duet lut fit: train an NN-LUT approximator and write its exact table\n\n"
      "usage: duet lut fit --function gelu --entries 16 [--precision fp32] [--seed 0] "
      "--out configs/luts/gelu-16.json\n\noptions");
  opts.add_options()("help,h", "show this help")(
      "function", po::value(&function)->required(),
      "gelu, exp, reciprocal, rsqrt, silu, sigmoid or tanh")(
      "entries", po::value(&options.entries)->default_value(16), "table entries (neurons + 1)")(
      "precision", po::value(&precision)->default_value("fp32"), "fp32, fp16 or int32")(
      "seed", po::value(&options.seed)->default_value(0), "random seed")(
      "steps", po::value(&options.steps)->default_value(4000), "Adam steps")(
      "out", po::value(&out)->required(), "output table (JSON)");
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return 0;
  check_output_paths(given_outputs(vm, {"out"}), {});
  options.function = parse_lut_function(function, "--function");
  options.precision = parse_lut_precision(precision, "--precision");
  if (options.entries < 2 || options.entries > 1024) {
    throw InputError("--entries: value " + std::to_string(options.entries) +
                     " out of range [2, 1024]");
  }
  if (options.steps < 1) throw InputError("--steps must be >= 1");

  ProgressBar bar("fit " + function + "-" + std::to_string(options.entries));
  options.progress = [&](int step, double loss) {
    std::ostringstream note;
    note << "loss " << std::scientific << std::setprecision(2) << loss;
    bar.update(step, options.steps, note.str());
  };
  FitResult result = fit_lut(options);
  PiecewiseLinearLut& lut = result.lut;
  const auto [fit_lo, fit_hi] = fit_interval(options.function);
  const auto [eval_lo, eval_hi] = evaluation_range(options.function);
  lut.fit = {
      {"method", "one-hidden-layer ReLU network, Adam, exact conversion"},
      {"seed", options.seed},
      {"steps", options.steps},
      {"samples", options.samples},
      {"on_fit_interval", error_json(options.function, table_error(lut, fit_lo, fit_hi))},
      {"evaluation_range", {eval_lo, eval_hi}},
      {"on_evaluation_range", error_json(options.function, table_error(lut, eval_lo, eval_hi))}};
  write_file_atomically(out, json_text(lut_to_json(lut), 2) + "\n");
  const auto e = table_error(lut, eval_lo, eval_hi);
  std::cout << "wrote " << out << ": " << function << ", " << lut.entries() << " entries, "
            << precision << "; on [" << eval_lo << ", " << eval_hi << "] max abs error "
            << e.max_abs;
  if (relative_error_meaningful(options.function)) std::cout << ", max rel error " << e.max_rel;
  std::cout << "\n";
  return 0;
}

int eval(int argc, char** argv) {
  std::string path;
  double from = NAN, to = NAN;
  po::options_description opts(
      "duet lut eval: errors of a table against the exact function, next to I-BERT's\n\n"
      "usage: duet lut eval --lut configs/luts/gelu-16.json [--from A --to B]\n\noptions");
  opts.add_options()("help,h", "show this help")("lut", po::value(&path)->required(),
                                                 "table (JSON)")(
      "from", po::value(&from), "grid start (default: the function's evaluation range)")(
      "to", po::value(&to), "grid end");
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return 0;
  const PiecewiseLinearLut lut = load_lut(path);
  auto [lo, hi] = evaluation_range(lut.function);
  if (vm.count("from") != vm.count("to"))
    throw InputError("--from and --to go together (or leave both out for the function's range)");
  if (vm.count("from")) lo = from;
  if (vm.count("to")) hi = to;
  // Beyond fp32's range the functions and the tables overflow, and the errors print as nan.
  if (!std::isfinite(lo) || !std::isfinite(hi) || std::abs(lo) > 1e30 || std::abs(hi) > 1e30)
    throw InputError("--from and --to must be numbers in [-1e30, 1e30]");
  if (!(lo < hi)) throw InputError("--from must be smaller than --to");
  const bool log_spaced = evaluation_log_spaced(lut.function);
  if (log_spaced && lo <= 0)
    throw InputError("--from must be positive for " + std::string(lut_function_name(lut.function)));

  std::cout << lut_function_name(lut.function) << " on [" << lo << ", " << hi << "], "
            << kEvalPoints << (log_spaced ? " log-spaced" : "") << " points\n\n"
            << std::left << std::setw(26) << "approximation" << std::right << std::setw(14)
            << "max abs" << std::setw(14) << "mean abs" << std::setw(14) << "max rel"
            << std::setw(14) << "mean rel"
            << "\n";
  const bool relative = relative_error_meaningful(lut.function);
  auto row = [&](const std::string& name, const ApproximationError& e) {
    std::cout << std::left << std::setw(26) << name << std::right << std::scientific
              << std::setprecision(3) << std::setw(14) << e.max_abs << std::setw(14) << e.mean_abs;
    if (relative) {
      std::cout << std::setw(14) << e.max_rel << std::setw(14) << e.mean_rel;
    } else {
      std::cout << std::setw(14) << "-" << std::setw(14) << "-";
    }
    std::cout << std::defaultfloat << "\n";
  };
  row("nnlut-" + std::to_string(lut.entries()) + " " + lut_precision_name(lut.precision),
      table_error(lut, lo, hi));
  if (ibert_has(lut.function)) {
    row(std::string("ibert i-") + lut_function_name(lut.function),
        measure_error(
            lut.function, [&](double x) { return ibert_function(lut.function, x); }, lo, hi,
            kEvalPoints, log_spaced));
  } else {
    std::cout << "(I-BERT has no approximation of " << lut_function_name(lut.function) << ")\n";
  }
  return 0;
}

}  // namespace

int lut_command(int argc, char** argv) {
  const char* usage =
      "usage: duet lut <fit|eval|accuracy> [options]   (duet lut <sub-command> --help)\n";
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    (argc < 2 ? std::cerr : std::cout) << usage;
    return argc < 2 ? 2 : 0;
  }
  const std::string sub = argv[1];
  if (sub == "fit") return fit(argc - 1, argv + 1);
  if (sub == "eval") return eval(argc - 1, argv + 1);
  if (sub == "accuracy") return lut_accuracy_command(argc - 1, argv + 1);
  throw InputError("unknown sub-command \"" + sub + "\" (allowed: fit, eval, accuracy)");
}

}  // namespace duet::cli
