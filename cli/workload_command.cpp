// duet workload show|convert: a workload (zoo name, JSON, SCALE-Sim CSV or ONNX) as the IR sees
// it, per layer, or written as Duet's workload JSON.
#include <boost/program_options.hpp>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/output_paths.hpp"
#include "sim/report_writer.hpp"
#include "workloads/input_error.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/workload_io.hpp"

namespace po = boost::program_options;

namespace duet::cli {
namespace {

struct WorkloadArguments {
  std::string spec, out;
  OnnxArguments onnx;
  ZooOptions zoo;
};

// `duet workload <sub> SPEC [options]`: SPEC is the one positional argument.
bool parse(int argc, char** argv, const std::string& usage, bool with_out, WorkloadArguments& a) {
  po::options_description opts(usage + "\n\noptions");
  opts.add_options()("help,h", "show this help");
  add_onnx_options(opts, a.onnx);
  opts.add_options()("batch", po::value(&a.zoo.batch)->default_value(1),
                     "batch size (zoo networks)")(
      "seq-len", po::value(&a.zoo.seq_len)->default_value(128), "sequence length (BERT)");
  if (with_out) opts.add_options()("out", po::value(&a.out)->required(), "workload JSON to write");
  if (argc >= 2 && argv[1][0] != '-') {
    a.spec = argv[1];
    --argc;
    ++argv;
  }
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, vm)) return false;
  if (a.spec.empty())
    throw InputError("missing the workload: " + usage.substr(usage.find("usage: ")));
  return true;
}

int show(int argc, char** argv) {
  WorkloadArguments a;
  if (!parse(argc, argv,
             "duet workload show: the workload's layers as the simulator sees them\n\n"
             "usage: duet workload show model.onnx [--input-shape input=1x3x224x224]",
             false, a)) {
    return 0;
  }
  const Workload w = load_workload(a.spec, a.zoo, onnx_options(a.onnx));
  const int64_t macs = total_macs(w);  // checked against overflow, as every layer's is
  int64_t weights = 0;
  std::cout << std::left << std::setw(40) << "layer" << std::setw(15) << "op" << std::setw(28)
            << "output" << std::right << std::setw(16) << "MACs" << std::setw(14) << "params"
            << "\n";
  for (const auto& l : w.layers) {
    const int64_t m = layer_macs(l), p = layer_weights(l);
    if (__builtin_add_overflow(weights, p, &weights))
      throw InputError(w.name + ": its parameters exceed 2^63");
    std::cout << std::left << std::setw(40) << l.name.substr(0, 39) << std::setw(15)
              << op_name(l.op) << std::setw(28) << shape_string(l.output_shape) << " " << std::right
              << std::setw(16) << m << std::setw(14) << p << "\n";
  }
  std::cout << w.name << ": " << w.layers.size() << " layers, " << macs << " MACs ("
            << std::setprecision(4) << static_cast<double>(macs) / 1e9 << " G), " << weights
            << " parameters\n";
  return 0;
}

int convert(int argc, char** argv) {
  WorkloadArguments a;
  if (!parse(argc, argv,
             "duet workload convert: write a workload as Duet's JSON (docs/workload-format.md)\n\n"
             "usage: duet workload convert model.onnx --out model.json",
             true, a)) {
    return 0;
  }
  namespace fs = std::filesystem;
  if (fs::path(a.out).extension() != ".json")
    throw InputError("--out: \"" + a.out + "\" must end in .json (Duet's workload format)");
  check_output_paths({{"out", a.out}}, {a.spec});
  const Workload w = load_workload(a.spec, a.zoo, onnx_options(a.onnx));
  write_file_atomically(a.out, json_text(workload_to_json(w), 2) + "\n");
  std::cout << "wrote " << a.out << ": " << w.layers.size() << " layers, " << total_macs(w)
            << " MACs\n";
  return 0;
}

}  // namespace

int workload_command(int argc, char** argv) {
  const char* usage = "usage: duet workload <show|convert> WORKLOAD [options]\n";
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    (argc < 2 ? std::cerr : std::cout) << usage;
    return argc < 2 ? 2 : 0;
  }
  const std::string sub = argv[1];
  if (sub == "show") return show(argc - 1, argv + 1);
  if (sub == "convert") return convert(argc - 1, argv + 1);
  throw InputError("unknown sub-command \"" + sub + "\" (allowed: show, convert)");
}

}  // namespace duet::cli
