#pragma once
// Sub-command dispatch shared by `duet` and `duet-torch`: runs the command and turns input
// errors into a one-line message and exit code 2.
#include <vector>

namespace duet::cli {

struct Command {
  const char* name;
  int (*run)(int, char**);  // nullptr: the command lives in the other executable
  const char* summary;
};

int dispatch(const std::vector<Command>& commands, int argc, char** argv);

}  // namespace duet::cli
