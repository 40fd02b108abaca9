// The `duet` command. Simulator commands run here; libtorch commands run in `duet-torch`.
#include "cli/commands.hpp"
#include "cli/dispatch.hpp"

int main(int argc, char** argv) {
  using duet::cli::Command;
  const std::vector<Command> commands = {
      {"sim", duet::cli::sim_command, "simulate a workload: cycles, energy, power, area"},
      {"area", duet::cli::area_command, "area breakdown of an accelerator config"},
      {"workload", duet::cli::workload_command,
       "show a workload's layers (zoo, JSON, CSV, ONNX) or convert it to JSON"},
      {"lut", nullptr, "NN-LUT tables: fit, eval, accuracy"},
      {"recast", nullptr, "network recasting: train-teacher, recast a teacher with a plan"},
      {"dataset", duet::cli::dataset_command, "simulate search-space samples into a CSV"},
      {"evaluator", nullptr, "neural cost evaluator: train, predict, test, bench"},
      {"explore", nullptr, "co-explore network and accelerator (DANCE) as a study, with baselines"},
  };
  return duet::cli::dispatch(commands, argc, argv);
}
