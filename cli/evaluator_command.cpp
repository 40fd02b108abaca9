// duet evaluator: train the neural cost evaluator on a dataset, predict with it, test it.
#include <boost/program_options.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_paths.hpp"
#include "cli/progress_bar.hpp"
#include "models/evaluator/design_prediction.hpp"
#include "models/evaluator/evaluator.hpp"
#include "models/evaluator/evaluator_files.hpp"
#include "models/torch_threads.hpp"
#include "sim/dse/dataset_table.hpp"
#include "sim/dse/sampled_hardware.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"

namespace po = boost::program_options;

namespace duet::cli {
namespace {

void print_metrics(std::ostream& out, const std::array<PredictionMetrics, 4>& metrics) {
  out << std::left << std::setw(13) << "target" << std::right << std::setw(10) << "MAPE %"
      << std::setw(12) << "max APE %" << std::setw(10) << "Spearman" << std::setw(10) << "Kendall"
      << "\n";
  for (int t = 0; t < 4; ++t) {
    out << std::left << std::setw(13) << kDatasetTargets[t] << std::right << std::fixed
        << std::setprecision(2) << std::setw(10) << metrics[t].mape_percent << std::setw(12)
        << metrics[t].max_ape_percent << std::setprecision(4) << std::setw(10)
        << metrics[t].spearman << std::setw(10) << metrics[t].kendall_tau_b << "\n";
  }
  out.unsetf(std::ios::fixed);
}

int train(int argc, char** argv) {
  EvaluatorTrainOptions o;
  std::string hidden = "128,128,128";
  int threads = 1;
  po::options_description opts(
      "duet evaluator train: fit the neural evaluator to a dataset from `duet dataset`\n\n"
      "usage: duet evaluator train --data data/cnn.csv --space configs/spaces/cnn-fmnist.json "
      "--out models/cnn-eval [--epochs E] [--hidden 128,128,128] [--seed S] [--resume]\n\noptions");
  opts.add_options()("help,h", "show this help")("data", po::value(&o.data_path)->required(),
                                                 "dataset (CSV from `duet dataset`)")(
      "space", po::value(&o.space_path)->required(), "the search space the dataset samples")(
      "out", po::value(&o.out_dir)->required(),
      "model directory: evaluator.pt (weights) and evaluator.json (schema, normalisation, data "
      "hash)")("epochs", po::value(&o.epochs)->default_value(o.epochs),
               "passes over the training rows")("hidden", po::value(&hidden)->default_value(hidden),
                                                "hidden layer widths")(
      "seed", po::value(&o.seed)->default_value(o.seed), "weight init and batch order")(
      "batch", po::value(&o.batch)->default_value(o.batch), "mini-batch size")(
      "learning-rate", po::value(&o.learning_rate)->default_value(o.learning_rate),
      "Adam step size at the start of the cosine schedule")(
      "holdout-every", po::value(&o.holdout_every)->default_value(o.holdout_every),
      "hold out rows whose index % N == N-1 for validation")(
      "resume", po::bool_switch(&o.resume), "continue from the last finished epoch in --out")(
      "threads", po::value(&threads)->default_value(threads), "libtorch intra-op threads");
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return 0;
  check_output_paths(given_outputs(vm, {"out"}, true), {o.data_path, o.space_path});
  for (const std::string& file :
       {evaluator_sidecar_path(o.out_dir), evaluator_weights_path(o.out_dir),
        evaluator_checkpoint_path(o.out_dir)}) {
    for (const std::string& input : {o.data_path, o.space_path}) {
      if (std::filesystem::exists(input) && same_file(file, input))
        throw InputError("--out " + o.out_dir + ": would overwrite the input " + input);
    }
  }
  if (!o.resume && std::filesystem::exists(evaluator_sidecar_path(o.out_dir)))
    throw InputError("--out " + o.out_dir +
                     ": holds a trained evaluator; it is kept: use another --out, or delete it "
                     "to train again");
  o.hidden = parse_integer_list(hidden, "hidden", 1, 4096);
  set_torch_threads(threads);

  ProgressBar bar("train");
  o.progress = [&](int epoch, int epochs, double train_loss, double validation_loss) {
    std::ostringstream note;
    note << "epoch " << epoch << "/" << epochs << "  train " << std::setprecision(3) << train_loss
         << "  validation " << validation_loss;
    bar.update(epoch, epochs, note.str());
  };
  const EvaluatorTrainSummary s = train_evaluator(o);
  std::cout << "trained on " << s.train_rows << " rows, held out " << s.validation_rows << " ("
            << s.invalid_rows << " invalid rows skipped)"
            << (s.resumed_from_epoch
                    ? ", resumed after epoch " + std::to_string(s.resumed_from_epoch)
                    : "")
            << " in " << std::setprecision(3) << s.seconds << " s\n"
            << "normalised MSE: train " << s.train_loss << ", held-out " << s.validation_loss
            << " (mean predictor " << s.mean_predictor_loss << ")\n\nheld-out accuracy:\n";
  print_metrics(std::cout, s.validation);
  std::cout << "\nwrote " << o.out_dir << "/evaluator.pt and evaluator.json\n";
  return 0;
}

// {"blocks": {"stage1.block1": "k3_e3", ...}}: one option per block of the trained space.
std::vector<Json> read_network_choices(const std::string& path, const SearchSpace& space) {
  const Json root = read_json_file(path);
  ObjectReader top(root, path);
  top.string_or("space", "");
  top.string_or("description", "");
  ObjectReader blocks = top.object("blocks");
  std::vector<Json> values;
  std::vector<std::string> names;
  for (const auto& block : space.network.blocks) {
    names.push_back(block.name);
    if (!blocks.has(block.name)) {
      blocks.fail(block.name,
                  "missing: every block of space \"" + space.name + "\" needs a choice");
    }
    values.emplace_back(blocks.choice(block.name, block.options));
  }
  blocks.reject_unknown_keys();
  top.reject_unknown_keys();
  return values;
}

int predict(int argc, char** argv) {
  std::string model_dir, arch_path, network_path, space_path;
  bool allow_extrapolation = false;
  po::options_description opts(
      "duet evaluator predict: the evaluator's latency, energy, area and power for one design\n\n"
      "usage: duet evaluator predict --model models/cnn-eval --arch A.json --network N.json\n\n"
      "A.json is an accelerator config (configs/accel format); N.json chooses every block:\n"
      "  {\"blocks\": {\"stage1.block1\": \"k3_e3\", ...}}\n\noptions");
  opts.add_options()("help,h", "show this help")("model", po::value(&model_dir)->required(),
                                                 "model directory from `evaluator train`")(
      "arch", po::value(&arch_path)->required(), "accelerator config (JSON)")(
      "network", po::value(&network_path)->required(), "block choices (JSON)")(
      "space", po::value(&space_path), "check that the model was trained on this space")(
      "allow-extrapolation", po::bool_switch(&allow_extrapolation),
      "predict (with a warning) even where a value lies outside the trained range");
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return 0;

  const Evaluator evaluator = Evaluator::load(model_dir);
  if (!space_path.empty()) evaluator.check_space(load_search_space(space_path));
  const SearchSpace& space = evaluator.space();
  const AcceleratorConfig arch = load_accelerator_config(arch_path);
  const DesignPrediction prediction =
      predict_design(evaluator, arch, read_network_choices(network_path, space),
                     allow_extrapolation, arch_path + " / " + network_path);
  // One line per kind of warning, naming the model whose trained space it concerns.
  auto joined = [](const std::vector<std::string>& notes) {
    std::string list;
    for (const auto& note : notes) list += (list.empty() ? "" : "; ") + note;
    return list;
  };
  if (!prediction.interpolated.empty()) {
    std::cerr << "duet evaluator predict: warning: " << model_dir
              << ": between trained values, interpolating: " << joined(prediction.interpolated)
              << "\n";
  }
  if (!prediction.extrapolated.empty()) {
    std::cerr << "duet evaluator predict: warning: " << model_dir
              << ": outside the trained space, extrapolating: " << joined(prediction.extrapolated)
              << "\n";
  }
  const CostVector& p = prediction.values;
  Json out = {{"model", model_dir}, {"arch", arch_path}, {"network", network_path}};
  for (int t = 0; t < 4; ++t) out[kDatasetTargets[t]] = p[t];
  out["interpolated"] = prediction.interpolated;
  out["extrapolated"] = prediction.extrapolated;
  std::cout << json_text(out, 2) << "\n";
  return 0;
}

std::string number(double x) {
  std::ostringstream s;
  s << std::setprecision(17) << x;
  return s.str();
}

int test(int argc, char** argv) {
  std::string model_dir, data_path, predictions_path, json_path, space_path;
  po::options_description opts(
      "duet evaluator test: accuracy of the evaluator on a dataset (e.g. a held-out seed)\n\n"
      "usage: duet evaluator test --model models/cnn-eval --data data/cnn-holdout.csv "
      "[--predictions p.csv] [--json metrics.json]\n\n"
      "Plot the predictions with: /usr/bin/python3 analysis/evaluator_parity.py p.csv "
      "parity.png\n\noptions");
  opts.add_options()("help,h", "show this help")("model", po::value(&model_dir)->required(),
                                                 "model directory from `evaluator train`")(
      "data", po::value(&data_path)->required(), "dataset (CSV) from the model's space")(
      "space", po::value(&space_path), "check that the model was trained on this space")(
      "predictions", po::value(&predictions_path),
      "write per-sample truth and prediction (CSV) for the parity plot")(
      "json", po::value(&json_path), "write the metrics as JSON");
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return 0;
  check_output_paths(
      given_outputs(vm, {"predictions", "json"}),
      {data_path, space_path, model_dir + "/evaluator.pt", model_dir + "/evaluator.json"});

  const Evaluator evaluator = Evaluator::load(model_dir);
  if (!space_path.empty()) evaluator.check_space(load_search_space(space_path));
  const EvaluatorTestReport r = test_evaluator(evaluator, data_path);
  std::cout << data_path << ": " << r.index.size() << " samples (" << r.invalid_rows
            << " invalid rows skipped)\n";
  print_metrics(std::cout, r.metrics);
  std::vector<std::pair<std::string, std::string>> outputs;
  if (!predictions_path.empty()) {
    std::string csv = "index";
    for (const char* t : kDatasetTargets) csv += std::string(",") + t + "_true," + t + "_predicted";
    csv += "\n";
    for (std::size_t i = 0; i < r.index.size(); ++i) {
      csv += std::to_string(r.index[i]);
      for (int t = 0; t < 4; ++t)
        csv += "," + number(r.truth[i][t]) + "," + number(r.predicted[i][t]);
      csv += "\n";
    }
    outputs.emplace_back(predictions_path, csv);
  }
  if (!json_path.empty()) {
    Json out = {{"model", model_dir},
                {"data", data_path},
                {"samples", r.index.size()},
                {"invalid_rows", r.invalid_rows}};
    for (int t = 0; t < 4; ++t) {
      out["metrics"][kDatasetTargets[t]] = {{"mape_percent", r.metrics[t].mape_percent},
                                            {"max_ape_percent", r.metrics[t].max_ape_percent},
                                            {"spearman", r.metrics[t].spearman},
                                            {"kendall_tau_b", r.metrics[t].kendall_tau_b}};
    }
    outputs.emplace_back(json_path, json_text(out, 2) + "\n");
  }
  write_files_atomically(outputs);
  return 0;
}

int bench(int argc, char** argv) {
  std::string model_dir;
  int64_t batch = 4096;
  double seconds = 3;
  int threads = 1;
  po::options_description opts(
      "duet evaluator bench: batched prediction throughput on random samples of the space\n\n"
      "usage: duet evaluator bench --model models/cnn-eval [--batch 4096] [--threads "
      "1]\n\noptions");
  opts.add_options()("help,h", "show this help")("model", po::value(&model_dir)->required(),
                                                 "model directory")(
      "batch", po::value(&batch)->default_value(batch), "predictions per call")(
      "seconds", po::value(&seconds)->default_value(seconds), "how long to measure")(
      "threads", po::value(&threads)->default_value(threads), "libtorch intra-op threads");
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return 0;
  if (batch < 1 || batch > (1 << 22)) throw InputError("--batch must be in [1, 4194304]");
  if (!(seconds >= 0.01 && seconds <= 3600))
    throw InputError("--seconds: expected a number in [0.01, 3600], got " +
                     std::to_string(seconds));
  set_torch_threads(threads);
  const Evaluator evaluator = Evaluator::load(model_dir);
  std::vector<float> features;
  for (int64_t i = 0; i < batch; ++i) {
    const std::vector<float> row = evaluator.schema().encode(draw_sample(evaluator.space(), 7, i));
    features.insert(features.end(), row.begin(), row.end());
  }
  evaluator.predict_features(features);  // warm-up: oneDNN picks its kernels on first use
  int64_t predictions = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    predictions += static_cast<int64_t>(evaluator.predict_features(features).size());
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  std::cout << Json{{"batch", batch},
                    {"threads", threads},
                    {"predictions", predictions},
                    {"seconds", elapsed},
                    {"predictions_per_s", static_cast<double>(predictions) / elapsed}}
                   .dump()
            << "\n";
  return 0;
}

}  // namespace

int evaluator_command(int argc, char** argv) {
  const std::string usage =
      "duet evaluator: the neural cost evaluator\n\n"
      "usage: duet evaluator train|predict|test|bench [options]   (each takes --help)\n";
  if (argc < 2)
    throw InputError(
        "give a sub-command (allowed: train, predict, test, bench; each takes --help)");
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::cout << usage;
    return 0;
  }
  const std::string sub = argv[1];
  if (sub == "train") return train(argc - 1, argv + 1);
  if (sub == "predict") return predict(argc - 1, argv + 1);
  if (sub == "test") return test(argc - 1, argv + 1);
  if (sub == "bench") return bench(argc - 1, argv + 1);
  throw InputError("duet evaluator: unknown sub-command \"" + sub +
                   "\" (allowed: train, predict, test, bench)");
}

}  // namespace duet::cli
