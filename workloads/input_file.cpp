#include "workloads/input_file.hpp"

#include <algorithm>
#include <filesystem>

#include "workloads/input_error.hpp"

namespace duet {

void check_path_text(const std::string& value, const std::string& what) {
  constexpr std::size_t kMaxPath = 4095, kMaxPart = 255;  // PATH_MAX - 1 and NAME_MAX on Linux
  if (value.find('\0') != std::string::npos)
    throw InputError(what + ": contains a NUL byte (not allowed in a name or path)");
  if (value.size() > kMaxPath)
    throw InputError(what + ": " + std::to_string(value.size()) +
                     " bytes, too long for a path (at most " + std::to_string(kMaxPath) + ")");
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t end = std::min(value.find('/', start), value.size());
    if (end - start > kMaxPart)
      throw InputError(what + ": a name of " + std::to_string(end - start) +
                       " bytes, too long (each /-separated part may have at most " +
                       std::to_string(kMaxPart) + ")");
    start = end + 1;
  }
}

std::ifstream open_input_file(const std::string& path, std::uintmax_t max_bytes,
                              std::ios::openmode mode) {
  namespace fs = std::filesystem;
  check_path_text(path, path.substr(0, 60));
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);  // follows symlinks
  if (ec || !fs::exists(status)) throw InputError(path + ": cannot open file (does it exist?)");
  if (!fs::is_regular_file(status))
    throw InputError(path + ": not a regular file (a directory, device or pipe cannot be read)");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) throw InputError(path + ": cannot read its size (" + ec.message() + ")");
  if (size > max_bytes)
    throw InputError(path + ": " + std::to_string(size) + " bytes, above the limit of " +
                     std::to_string(max_bytes) + " bytes for this kind of file");
  std::ifstream in(path, mode);
  if (!in) throw InputError(path + ": cannot open file (permission?)");
  return in;
}

}  // namespace duet
