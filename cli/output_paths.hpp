#pragma once
// Output paths, checked before a command does its work, so that a long run never ends in
// "cannot write" and an output never overwrites one of the command's inputs.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "workloads/input_error.hpp"
#include "workloads/input_file.hpp"

namespace duet::cli {

struct OutputPath {
  std::string option;  // without the dashes
  std::string path;
  bool directory = false;  // a directory the command creates or fills
};

// The options among `names` that the user gave (their defaults are not outputs).
inline std::vector<OutputPath> given_outputs(const boost::program_options::variables_map& vm,
                                             const std::vector<std::string>& names,
                                             bool directory = false) {
  std::vector<OutputPath> out;
  for (const auto& name : names) {
    if (vm.count(name) && !vm[name].defaulted())
      out.push_back({name, vm[name].as<std::string>(), directory});
  }
  return out;
}

inline bool same_file(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

// Throws InputError naming the option: an empty path, a file where a directory is wanted or the
// reverse, a parent directory that does not exist or is not writable, an output that is also an
// input (which would destroy it) or another output.
inline void check_output_paths(const std::vector<OutputPath>& outputs,
                               const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const OutputPath& o = outputs[i];
    const std::string where = "--" + o.option + " " + o.path;
    if (o.path.empty()) throw InputError("--" + o.option + ": empty path");
    check_path_text(o.path, "--" + o.option);
    std::error_code ec;
    const bool exists = fs::exists(o.path, ec);
    if (exists && !o.directory && fs::is_directory(o.path, ec))
      throw InputError(where + ": is a directory, not a file");
    if (exists && o.directory && !fs::is_directory(o.path, ec))
      throw InputError(where + ": exists and is not a directory");
    fs::path parent = fs::path(o.path).parent_path();
    if (parent.empty()) parent = ".";
    if (!fs::is_directory(parent, ec))
      throw InputError(where + ": directory " + parent.string() + " does not exist");
    if (::access(parent.c_str(), W_OK) != 0)
      throw InputError(where + ": directory " + parent.string() + " is not writable");
    for (const auto& in : inputs) {
      if (!in.empty() && fs::exists(in, ec) && same_file(o.path, in))
        throw InputError(where + ": is also an input (" + in + "); it would be overwritten");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (same_file(o.path, outputs[j].path))
        throw InputError(where + ": is also --" + outputs[j].option);
    }
  }
}

}  // namespace duet::cli
