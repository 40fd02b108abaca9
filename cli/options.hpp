#pragma once
// Option parsing shared by the sub-commands: parse, print --help, then check required options.
#include <boost/program_options.hpp>
#include <iostream>

namespace duet::cli {

// Returns false when --help was printed (the command should exit 0).
inline bool parse_options(int argc, char** argv,
                          const boost::program_options::options_description& options,
                          boost::program_options::variables_map& values) {
  boost::program_options::store(boost::program_options::parse_command_line(argc, argv, options),
                                values);
  if (values.count("help")) {
    std::cout << options << "\n";
    return false;
  }
  boost::program_options::notify(values);
  return true;
}

}  // namespace duet::cli
