// duet._duet: the simulator for Python (no libtorch). duet/__init__.py wraps it; the work goes
// through the same SimRequest and report writers as `duet sim`, so the numbers and the messages
// are the CLI's.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "cli/options.hpp"
#include "sim/report_writer.hpp"
#include "sim/sim_request.hpp"
#include "workloads/input_error.hpp"
#include "workloads/input_file.hpp"
#include "workloads/json_reader.hpp"
#include "workloads/workload_io.hpp"

namespace py = pybind11;

namespace duet::python {
namespace {

struct WorkloadArguments {
  std::string arch = "mobile";
  std::optional<std::string> arch_json;
  std::string workload;
  std::optional<std::string> workload_json;
  int64_t batch = 1;
  int64_t seq_len = 128;
  std::vector<std::string> input_shapes;  // NAME=DxDx..., as the CLI takes them
  std::string unsupported = "error";
  std::string nonlinear, luts;
};

// The request, and the ONNX importer's warnings collected for the caller.
SimRequest make_request(const WorkloadArguments& a, std::vector<std::string>& warnings) {
  // Checked before any filesystem call, whose own error would not name the argument.
  for (const auto& [name, value] : {std::pair<const char*, const std::string&>{"arch", a.arch},
                                    {"workload", a.workload},
                                    {"luts", a.luts}})
    check_path_text(value, name);
  SimRequest r;
  r.arch = a.arch;
  if (a.arch_json) r.arch_json = parse_json_text(*a.arch_json, "arch");
  r.workload = a.workload;
  if (a.workload_json) r.workload_json = parse_json_text(*a.workload_json, "workload");
  if (!r.workload_json && r.workload.empty())
    throw InputError("workload: give a zoo name, a file or a workload dict");
  r.zoo = {a.batch, a.seq_len};
  r.onnx = cli::onnx_options({a.input_shapes, a.unsupported});
  if (r.onnx.unsupported_as_memory)
    r.onnx.warn = [&warnings](const std::string& m) { warnings.push_back(m); };
  r.nonlinear = a.nonlinear;
  r.luts = a.luts;
  return r;
}

py::dict simulate(const WorkloadArguments& a, bool ideal_memory, const std::string& fidelity,
                  const std::string& tech, bool trace) {
  std::vector<std::string> warnings;
  SimRequest r = make_request(a, warnings);
  r.options.ideal_memory = ideal_memory;
  r.options.fidelity = parse_fidelity(fidelity, "--fidelity");
  check_path_text(tech, "tech");
  r.options.tech_path = tech;
  r.options.trace = trace;
  const Report report = run_sim_request(r);
  py::dict out;
  out["report"] = report_json(report);
  out["layers_csv"] = layers_csv(report);
  out["trace"] = trace ? py::object(py::str(trace_json(report))) : py::object(py::none());
  out["warnings"] = warnings;
  return out;
}

WorkloadArguments arguments(std::string arch, std::optional<std::string> arch_json,
                            std::string workload, std::optional<std::string> workload_json,
                            int64_t batch, int64_t seq_len, std::vector<std::string> input_shapes,
                            std::string unsupported, std::string nonlinear, std::string luts) {
  return {std::move(arch),
          std::move(arch_json),
          std::move(workload),
          std::move(workload_json),
          batch,
          seq_len,
          std::move(input_shapes),
          std::move(unsupported),
          std::move(nonlinear),
          std::move(luts)};
}

}  // namespace
}  // namespace duet::python

PYBIND11_MODULE(_duet, m) {
  using namespace duet;
  using namespace duet::python;
  m.doc() = "Duet's simulator (use the duet package, which wraps this module)";
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      input_error(e.what());
    }
  });

  // SystemC is not thread-safe: every call keeps the GIL, so Python threads take turns.
  m.def(
      "simulate",
      [](std::string arch, std::optional<std::string> arch_json, std::string workload,
         std::optional<std::string> workload_json, int64_t batch, int64_t seq_len,
         std::vector<std::string> input_shapes, std::string unsupported, std::string nonlinear,
         std::string luts, bool ideal_memory, std::string fidelity, std::string tech, bool trace) {
        return simulate(arguments(arch, arch_json, workload, workload_json, batch, seq_len,
                                  input_shapes, unsupported, nonlinear, luts),
                        ideal_memory, fidelity, tech, trace);
      },
      py::arg("arch"), py::arg("arch_json"), py::arg("workload"), py::arg("workload_json"),
      py::arg("batch"), py::arg("seq_len"), py::arg("input_shapes"), py::arg("unsupported"),
      py::arg("nonlinear"), py::arg("luts"), py::arg("ideal_memory"), py::arg("fidelity"),
      py::arg("tech"), py::arg("trace"));

  m.def(
      "load_config",
      [](std::string arch, std::optional<std::string> arch_json, std::string nonlinear,
         std::string luts) {
        std::vector<std::string> warnings;
        WorkloadArguments a;
        a.arch = std::move(arch);
        a.arch_json = std::move(arch_json);
        a.workload = "unused";
        a.nonlinear = std::move(nonlinear);
        a.luts = std::move(luts);
        return json_text(
            accelerator_config_to_json(request_accelerator(make_request(a, warnings))));
      },
      py::arg("arch"), py::arg("arch_json"), py::arg("nonlinear"), py::arg("luts"));

  m.def(
      "load_workload",
      [](std::string workload, std::optional<std::string> workload_json, int64_t batch,
         int64_t seq_len, std::vector<std::string> input_shapes, std::string unsupported) {
        std::vector<std::string> warnings;
        const WorkloadArguments a = arguments("mobile", std::nullopt, workload, workload_json,
                                              batch, seq_len, input_shapes, unsupported, "", "");
        py::dict out;
        out["workload"] = json_text(workload_to_json(request_workload(make_request(a, warnings))));
        out["warnings"] = warnings;
        return out;
      },
      py::arg("workload"), py::arg("workload_json"), py::arg("batch"), py::arg("seq_len"),
      py::arg("input_shapes"), py::arg("unsupported"));

  m.def("configs_dir", &configs_dir, "the shipped configs/ directory");
  m.def(
      "write_file",
      [](const std::string& path, const std::string& content) {
        check_path_text(path, "path");
        write_file_atomically(path, content);
      },
      py::arg("path"), py::arg("content"), "writes a file as duet sim's outputs are written");
}
