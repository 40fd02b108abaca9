#include "cli/dispatch.hpp"

#include <unistd.h>

#include <boost/program_options/errors.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "workloads/input_error.hpp"

namespace duet::cli {
namespace {

void usage(const std::vector<Command>& commands, std::ostream& out) {
  out << "usage: duet <command> [options]   (duet <command> --help for its options)\n\ncommands:\n";
  for (const auto& c : commands) out << "  " << c.name << "\t" << c.summary << "\n";
}

// Commands that need libtorch run in `duet-torch`, next to this binary, so the simulator's own
// commands do not pay libtorch's load time (about 0.6 s) on every call.
int run_in_torch_binary(int argc, char** argv) {
#ifdef DUET_WITHOUT_TORCH
  std::cerr << "duet " << argv[1]
            << ": error: this build has no libtorch (configured with -DDUET_WITH_TORCH=OFF); "
               "rebuild with -DDUET_WITH_TORCH=ON for lut fit/accuracy, recast, evaluator and "
               "explore\n";
  return 2;
#endif
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  const std::string torch = (self.parent_path() / "duet-torch").string();
  std::vector<char*> args(argv, argv + argc);
  args[0] = const_cast<char*>(torch.c_str());
  args.push_back(nullptr);
  ::execv(torch.c_str(), args.data());
  std::cerr << "duet: cannot run " << torch << " (" << std::strerror(errno) << ")\n";
  return 2;
}

// A message quotes what the user gave, which may hold a newline, a carriage return or an
// escape sequence: written raw, it would split the one-line error or drive the terminal.
std::string one_line(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

int dispatch(const std::vector<Command>& commands, int argc, char** argv) {
  std::string names;
  for (const auto& c : commands) names += std::string(names.empty() ? "" : ", ") + c.name;
  if (argc < 2) {
    std::cerr << "duet: give a command (" << names << "); duet --help describes them\n";
    return 2;
  }
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(commands, std::cout);
    return 0;
  }
  for (const auto& c : commands) {
    if (std::string(argv[1]) != c.name) continue;
    if (!c.run) return run_in_torch_binary(argc, argv);
    try {
      return c.run(argc - 1, argv + 1);
    } catch (const InputError& e) {
      std::cerr << "duet " << c.name << ": error: " << one_line(e.what()) << "\n";
      return 2;
    } catch (const boost::program_options::error& e) {
      std::cerr << "duet " << c.name << ": error: " << one_line(e.what()) << " (see duet " << c.name
                << " --help)\n";
      return 2;
    } catch (const std::exception& e) {
      // A defect, not bad input: say so in one line rather than abort.
      std::cerr << "duet " << c.name << ": internal error: " << one_line(e.what())
                << " (please report it with the command line)\n";
      return 1;
    }
  }
  std::cerr << "duet: unknown command \"" << one_line(argv[1]) << "\" (allowed: " << names
            << "; duet --help describes them)\n";
  return 2;
}

}  // namespace duet::cli
