// duet lut accuracy: the NN-LUT accuracy study (ViT on Fashion-MNIST).
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_paths.hpp"
#include "cli/progress_bar.hpp"
#include "models/data/fashion_mnist.hpp"
#include "models/nnlut/accuracy.hpp"
#include "sim/accelerator_config.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace po = boost::program_options;

namespace duet::cli {
namespace {

double delta_points(const AccuracyRow& row, double exact) { return 100.0 * (row.accuracy - exact); }

void print_table(std::ostream& out, const AccuracyStudy& study, double exact) {
  out << "ViT on Fashion-MNIST: " << study.train_images << " training images"
      << (study.loaded_from_cache ? " (weights from cache)" : "") << ", " << study.test_images
      << " test images\n\n"
      << std::left << std::setw(8) << "method" << std::right << std::setw(9) << "entries"
      << std::setw(11) << "precision" << std::setw(12) << "accuracy %" << std::setw(16)
      << "delta (points)"
      << "\n";
  for (const auto& row : study.rows) {
    const bool is_exact = row.method == "exact";
    std::ostringstream delta;
    if (is_exact) {
      delta << "-";
    } else {
      delta << std::showpos << std::fixed << std::setprecision(2) << delta_points(row, exact);
    }
    out << std::left << std::setw(8) << row.method << std::right << std::setw(9)
        << (row.entries ? std::to_string(row.entries) : "-") << std::setw(11)
        << (row.precision.empty() ? "-" : row.precision) << std::setw(12) << std::fixed
        << std::setprecision(2) << 100.0 * row.accuracy << std::setw(16) << delta.str()
        << std::defaultfloat << "\n";
  }
}

std::string results_json(const AccuracyOptions& options, const AccuracyStudy& study, double exact) {
  Json rows = Json::array();
  for (const auto& row : study.rows) {
    rows.push_back({{"method", row.method},
                    {"entries", row.entries},
                    {"precision", row.precision},
                    {"accuracy", row.accuracy},
                    {"delta_points", delta_points(row, exact)}});
  }
  const Json j = {{"data_dir", options.data_dir},
                  {"luts_dir", options.luts_dir},
                  {"train_images", study.train_images},
                  {"test_images", study.test_images},
                  {"epochs", options.epochs},
                  {"seed", options.seed},
                  {"loaded_from_cache", study.loaded_from_cache},
                  {"rows", rows}};
  return json_text(j, 2) + "\n";
}

}  // namespace

int lut_accuracy_command(int argc, char** argv) {
  AccuracyOptions options;
  std::string entries = "8,16,32", precisions = "fp32,fp16,int32", out;
  po::options_description opts(
      "duet lut accuracy: test accuracy of a small ViT on Fashion-MNIST with exact non-linear "
      "ops, NN-LUT tables and I-BERT's approximations\n\n"
      "usage: duet lut accuracy [--epochs 8] [--entries 8,16,32] [--out results.json]\n\n"
      "options");
  opts.add_options()("help,h", "show this help")(
      "data", po::value(&options.data_dir)->default_value(fashion_mnist_dir()),
      "Fashion-MNIST IDX files (Debian package dataset-fashion-mnist; env DUET_FASHION_MNIST)")(
      "luts", po::value(&options.luts_dir)->default_value(configs_dir() + "/luts"),
      "tables, read as <function>-<entries>.json")(
      "cache", po::value(&options.cache_path)->default_value("data/vit-fmnist.pt"),
      "trained weights; reused when they match the training options (\"\": no cache)")(
      "train-limit", po::value(&options.train_limit)->default_value(-1),
      "training images (< 0: all)")("test-limit", po::value(&options.test_limit)->default_value(-1),
                                    "test images (< 0: all)")(
      "epochs", po::value(&options.epochs)->default_value(options.epochs), "training epochs")(
      "seed", po::value(&options.seed)->default_value(0), "random seed")(
      "entries", po::value(&entries)->default_value(entries), "table sizes, comma-separated")(
      "precisions", po::value(&precisions)->default_value(precisions),
      "table precisions, comma-separated (fp32, fp16, int32)")("out", po::value(&out),
                                                               "write the results as JSON");
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return 0;
  // The tables are inputs: neither the results nor the weights cache may be written over one.
  std::vector<std::string> inputs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(options.luts_dir, ec))
    inputs.push_back(entry.path().string());
  std::vector<OutputPath> outputs = given_outputs(vm, {"out"});
  if (vm.count("cache") && !vm["cache"].defaulted() && !options.cache_path.empty()) {
    outputs.push_back({"cache", options.cache_path});            // "" means no cache
    outputs.push_back({"cache", options.cache_path + ".json"});  // the cache's key
  }
  check_output_paths(outputs, inputs);
  if (!options.cache_path.empty() && std::filesystem::exists(options.cache_path) &&
      !std::filesystem::is_regular_file(options.cache_path))
    throw InputError("--cache " + options.cache_path + ": not a regular file");
  options.entries.clear();  // the user's list replaces the default, it does not extend it
  for (int64_t e : parse_integer_list(entries, "entries", 2, 4096, true)) {
    options.entries.push_back(static_cast<int>(e));
  }
  options.precisions = split_list(precisions, "precisions");
  for (std::size_t i = 0; i < options.precisions.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (options.precisions[i] == options.precisions[j])
        throw InputError("--precisions: \"" + options.precisions[i] + "\" is listed twice");

  // One bar per stage; a new stage closes the previous bar's line and reports its time.
  std::unique_ptr<ProgressBar> bar;
  std::string stage_shown;
  auto stage_start = std::chrono::steady_clock::now();
  auto finish_stage = [&] {
    if (stage_shown.empty()) return;
    bar.reset();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count();
    std::fprintf(stderr, "%s: %.1f s", stage_shown.c_str(), seconds);
    if (stage_shown == "train")
      std::fprintf(stderr, " (%.1f s per epoch)", seconds / options.epochs);
    std::fputc('\n', stderr);
  };
  options.progress = [&](const std::string& stage, int64_t done, int64_t total) {
    if (stage != stage_shown) {
      finish_stage();
      bar = std::make_unique<ProgressBar>(stage);
      stage_shown = stage;
      stage_start = std::chrono::steady_clock::now();
    }
    bar->update(done, total);
  };
  const AccuracyStudy study = run_accuracy_study(options);
  finish_stage();

  double exact = 0;
  for (const auto& row : study.rows) {
    if (row.method == "exact") exact = row.accuracy;
  }
  print_table(std::cout, study, exact);
  if (!out.empty()) write_file_atomically(out, results_json(options, study, exact));
  return 0;
}

}  // namespace duet::cli
