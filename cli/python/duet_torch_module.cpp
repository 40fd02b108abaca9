// duet._duet_torch: the trained cost evaluator for Python. A module of its own so that
// `import duet` and simulations never load libtorch; duet.Evaluator imports it on first use.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "models/evaluator/evaluator.hpp"
#include "workloads/input_error.hpp"

namespace py = pybind11;

namespace duet::python {
namespace {

// Rows of choice indices (the space's hardware dimensions, then its blocks, as the dataset's
// columns) as samples; every index is checked against its dimension's choices.
// Rows per predict() call: its samples, features and outputs take about 1 KB a row, so this
// bounds one call near 1 GB; larger arrays are refused before anything is allocated.
constexpr py::ssize_t kMaxPredictRows = 1'000'000;

std::vector<Sample> samples_of(const Evaluator& ev, const py::array_t<int64_t>& choices) {
  const auto& dims = ev.schema().dimensions();
  const std::size_t hardware = ev.space().hardware.size();
  if (choices.ndim() != 2 || static_cast<std::size_t>(choices.shape(1)) != dims.size())
    throw InputError("choices: expected an array of shape (n, " + std::to_string(dims.size()) +
                     "), one column per dimension (see Evaluator.dimensions)");
  if (choices.shape(0) > kMaxPredictRows)
    throw InputError("choices: " + std::to_string(choices.shape(0)) + " rows, above the limit of " +
                     std::to_string(kMaxPredictRows) + " per predict() call (split the array)");
  const auto c = choices.unchecked<2>();
  std::vector<Sample> samples(static_cast<std::size_t>(choices.shape(0)));
  for (py::ssize_t i = 0; i < choices.shape(0); ++i) {
    Sample& s = samples[static_cast<std::size_t>(i)];
    s.index = i;
    for (std::size_t d = 0; d < dims.size(); ++d) {
      const int64_t k = c(i, static_cast<py::ssize_t>(d));
      const auto n = static_cast<int64_t>(dims[d].choices.size());
      if (k < 0 || k >= n)
        throw InputError("choices[" + std::to_string(i) + ", " + std::to_string(d) + "] (" +
                         dims[d].column + "): " + std::to_string(k) + " is not in [0, " +
                         std::to_string(n) + ")");
      (d < hardware ? s.hardware : s.blocks).push_back(static_cast<int>(k));
    }
  }
  return samples;
}

py::array_t<double> predict(const Evaluator& ev, const py::array_t<int64_t>& choices) {
  const std::vector<CostVector> costs = ev.predict(samples_of(ev, choices));
  py::array_t<double> out({static_cast<py::ssize_t>(costs.size()), py::ssize_t{4}});
  auto o = out.mutable_unchecked<2>();
  for (std::size_t i = 0; i < costs.size(); ++i)
    for (py::ssize_t j = 0; j < 4; ++j) o(static_cast<py::ssize_t>(i), j) = costs[i][j];
  return out;
}

}  // namespace
}  // namespace duet::python

PYBIND11_MODULE(_duet_torch, m) {
  using namespace duet;
  using duet::python::kMaxPredictRows;
  m.doc() = "Duet's cost evaluator (use duet.Evaluator, which wraps this module)";
  // The InputError of duet._duet, so one `except duet.InputError` catches both modules' errors.
  static py::object input_error = py::module_::import("duet._duet").attr("InputError");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      PyErr_SetString(input_error.ptr(), e.what());
    }
  });
  m.attr("MAX_PREDICT_ROWS") = kMaxPredictRows;
  py::class_<Evaluator>(m, "Evaluator")
      .def_static("load", &Evaluator::load, py::arg("dir"))
      .def("predict", &python::predict, py::arg("choices"))
      .def("dimensions",
           [](const Evaluator& ev) {
             std::vector<std::pair<std::string, std::string>> out;
             for (const auto& d : ev.schema().dimensions())
               out.emplace_back(d.column, Json(d.choices).dump());
             return out;
           })
      .def("sidecar", [](const Evaluator& ev) { return ev.sidecar().dump(); });
}
