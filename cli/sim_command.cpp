#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_paths.hpp"
#include "cli/progress_bar.hpp"
#include "sim/accelerator_config.hpp"
#include "sim/report_writer.hpp"
#include "sim/sim_request.hpp"
#include "workloads/input_error.hpp"

namespace po = boost::program_options;

namespace duet::cli {

int sim_command(int argc, char** argv) {
  std::string out, layers_csv_path, trace_path, fidelity;
  OnnxArguments onnx;
  SimRequest request;
  ZooOptions& zoo = request.zoo;
  SimOptions& options = request.options;
  po::options_description opts(
      "duet sim: simulate a workload on an accelerator\n\n"
      "usage: duet sim --arch configs/accel/mobile.json --workload bert-base --seq-len 128\n\n"
      "options");
  opts.add_options()("help,h", "show this help")(
      "arch", po::value(&request.arch)->default_value("mobile"),
      "accelerator: a JSON config, a SCALE-Sim .cfg, or a shipped name (edge, mobile, cloud, "
      "tpu-v1-like, eyeriss-like)")(
      "workload", po::value(&request.workload)->required(),
      "a zoo name (resnet18, resnet50, mobilenet_v2, vgg16, bert-base, bert-large, vit-b16), a "
      "workload .json, a SCALE-Sim topology .csv, or an ONNX model .onnx")(
      "batch", po::value(&zoo.batch)->default_value(1), "batch size (zoo networks)")(
      "seq-len", po::value(&zoo.seq_len)->default_value(128), "sequence length (BERT)")(
      "out", po::value(&out), "write the report as JSON")("layers-csv", po::value(&layers_csv_path),
                                                          "write per-layer statistics as CSV")(
      "trace", po::value(&trace_path), "write a Chrome trace-event JSON (open in Perfetto)")(
      "ideal-memory", po::bool_switch(), "DRAM with no latency and unlimited bandwidth")(
      "nonlinear", po::value(&request.nonlinear),
      "exact, nnlut or ibert: the SFU kind, and the impl of every non-linear op")(
      "luts", po::value(&request.luts),
      "NN-LUT table set (configs/luts/default.json): sets the unit's entries and precision")(
      "tech", po::value(&options.tech_path),
      "technology table for energy and area (default: configs/tech/<technology_nm>nm.json)")(
      "schedule", po::value(&request.schedule),
      "sequential (layers one after another) or overlap (the PE array, SFU and DMA work on "
      "tiles of a window of layers at once); default: the config's, else overlap (sequential with "
      "--ideal-memory)")(
      "fidelity", po::value(&fidelity)->default_value("fast"),
      "fast: one event per tile; cycle: step the PE array every cycle (slow, for checking)")(
      "max-tiles", po::value(&options.max_tiles)->default_value(options.max_tiles),
      "refuse runs with a layer of more tiles than this (tiles are held one layer at a time)")(
      "verbose,v", po::bool_switch(), "print the per-layer table");
  add_onnx_options(opts, onnx);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return 0;
  check_output_paths(given_outputs(vm, {"out", "layers-csv", "trace"}),
                     {request.arch, request.workload, options.tech_path, request.luts});

  // An empty value would silently keep the config's setting.
  for (const char* name : {"nonlinear", "luts", "schedule", "tech"}) {
    if (vm.count(name) && vm[name].as<std::string>().empty())
      throw InputError(std::string("--") + name + ": expected a value, got an empty string");
  }
  options.ideal_memory = vm["ideal-memory"].as<bool>();
  options.trace = !trace_path.empty();
  options.fidelity = parse_fidelity(fidelity, "--fidelity");
  if (options.max_tiles < 1)
    throw InputError("--max-tiles: expected at least 1, got " + std::to_string(options.max_tiles));
  request.onnx = onnx_options(onnx);
  // A bar only for long runs: most simulations take well under a second.
  std::unique_ptr<ProgressBar> bar;
  const auto started = std::chrono::steady_clock::now();
  options.progress = [&](int64_t done, int64_t total) {
    if (!bar && std::chrono::steady_clock::now() - started < std::chrono::seconds(2)) return;
    if (!bar) bar = std::make_unique<ProgressBar>("simulate");
    bar->update(done, total, std::to_string(done) + "/" + std::to_string(total) + " layers");
  };
  options.estimate = [](const RunEstimate& e) {
    if (e.seconds < kLongRunSeconds) return;
    std::fprintf(stderr,
                 "duet sim: a long run: %lld tiles in %lld layers, about %.0f s on the machine "
                 "the estimate was measured on (Ctrl-C stops it)\n",
                 static_cast<long long>(e.tiles), static_cast<long long>(e.layers), e.seconds);
  };
  const Report report = run_sim_request(request);
  bar.reset();

  print_summary(std::cout, report, vm["verbose"].as<bool>());
  std::vector<std::pair<std::string, std::string>> outputs;
  if (!out.empty()) outputs.emplace_back(out, report_json(report));
  if (!layers_csv_path.empty()) outputs.emplace_back(layers_csv_path, layers_csv(report));
  if (!trace_path.empty()) outputs.emplace_back(trace_path, trace_json(report));
  write_files_atomically(outputs);
  return 0;
}

}  // namespace duet::cli
