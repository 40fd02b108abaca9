// `duet-torch`: the `duet` sub-commands that need libtorch. `duet` execs it for them.
#include "cli/commands.hpp"
#include "cli/dispatch.hpp"

int main(int argc, char** argv) {
  using duet::cli::Command;
  const std::vector<Command> commands = {
      {"lut", duet::cli::lut_command, "NN-LUT tables: fit, eval, accuracy"},
      {"evaluator", duet::cli::evaluator_command,
       "neural cost evaluator: train, predict, test, bench"},
      {"recast", duet::cli::recast_command,
       "network recasting: train-teacher, recast a teacher with a plan"},
      {"explore", duet::cli::explore_command,
       "co-explore network and accelerator (DANCE) as a study, with baselines"},
  };
  return duet::cli::dispatch(commands, argc, argv);
}
