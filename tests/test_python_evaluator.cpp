// duet.Evaluator (cli/python/duet_torch_module.cpp) predicts what the C++ evaluator predicts,
// batched through numpy, and refuses choices outside the space with duet.InputError.
#include <gtest/gtest.h>

#include <sstream>

#include "models/evaluator/evaluator.hpp"
#include "test_util.hpp"

namespace duet {
namespace {

using test::run_command;
using test::run_duet;

TEST(PythonEvaluator, PredictsWhatTheCppEvaluatorPredicts) {
  test::TempDir dir;
  const std::string space = test::tiny_explore_space();
  const std::string data = dir.path("d.csv"), model = dir.path("m");
  ASSERT_EQ(run_duet("dataset --space " + space + " --samples 64 --jobs 2 --out " + data).exit_code,
            0);
  const auto trained = run_duet("evaluator train --data " + data + " --space " + space + " --out " +
                                model + " --epochs 2 --hidden 16");
  ASSERT_EQ(trained.exit_code, 0) << trained.output;

  const Evaluator ev = Evaluator::load(model);
  const SearchSpace s = load_search_space(space);
  std::vector<Sample> samples;
  std::string rows;
  for (int64_t i = 0; i < 5; ++i) {
    samples.push_back(draw_sample(s, 7, i));
    std::string row;
    for (int c : samples.back().hardware) row += (row.empty() ? "" : ",") + std::to_string(c);
    for (int c : samples.back().blocks) row += "," + std::to_string(c);
    rows += "[" + row + "],";
  }
  const std::vector<CostVector> expected = ev.predict(samples);

  const std::string script =
      dir.file("p.py",
               "import duet, numpy, sys\n"
               "ev = duet.Evaluator.load(sys.argv[1])\n"
               "p = ev.predict(numpy.array([" +
                   rows +
                   "]))\n"
                   "assert p.shape == (5, 4) and p.dtype == numpy.float64, (p.shape, p.dtype)\n"
                   "assert len(ev.dimensions) == 7, ev.dimensions\n"
                   "for row in p: print(' '.join(repr(float(v)) for v in row))\n"
                   "try:\n"
                   "    ev.predict(numpy.array([[9, 0, 0, 0, 0, 0, 0]]))\n"
                   "except duet.InputError as e:\n"
                   "    print('InputError:', e)\n"
                   // #21: refused by size before any copy (the view takes no memory).
                   "big = numpy.broadcast_to(numpy.zeros((1, 7), dtype=numpy.int64), (10**7, 7))\n"
                   "try:\n"
                   "    ev.predict(big)\n"
                   "except duet.InputError as e:\n"
                   "    print('Too big:', e)\n");
  const auto r = run_command(std::string("PYTHONPATH=") + DUET_PYTHON_DIR + " /usr/bin/python3 " +
                             script + " " + model);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::istringstream out(r.output);
  for (const auto& cost : expected) {
    for (double v : cost) {
      double got = 0;
      out >> got;
      EXPECT_DOUBLE_EQ(got, v);
    }
  }
  EXPECT_NE(r.output.find("InputError: choices[0, 0] (hw_pe_rows): 9 is not in [0, 2)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("Too big: choices: 10000000 rows, above the limit of 1000000"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace duet
