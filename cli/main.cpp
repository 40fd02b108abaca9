// The `duet` command: dispatches to a sub-command and turns input errors into exit code 2.
#include <boost/program_options/errors.hpp>
#include <cstring>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "workloads/input_error.hpp"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* summary;
};

const Command kCommands[] = {
    {"sim", duet::cli::sim_command, "simulate a workload: cycles, energy, power, area"},
    {"area", duet::cli::area_command, "area breakdown of an accelerator config"},
};

void usage(std::ostream& out) {
  out << "usage: duet <command> [options]   (duet <command> --help for its options)\n\ncommands:\n";
  for (const auto& c : kCommands) out << "  " << c.name << "\t" << c.summary << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  for (const auto& c : kCommands) {
    if (std::string(argv[1]) != c.name) continue;
    try {
      return c.run(argc - 1, argv + 1);
    } catch (const duet::InputError& e) {
      std::cerr << "duet " << c.name << ": error: " << e.what() << "\n";
      return 2;
    } catch (const boost::program_options::error& e) {
      std::cerr << "duet " << c.name << ": error: " << e.what() << " (see duet " << c.name
                << " --help)\n";
      return 2;
    }
  }
  std::cerr << "duet: unknown command \"" << argv[1] << "\"\n";
  usage(std::cerr);
  return 2;
}
