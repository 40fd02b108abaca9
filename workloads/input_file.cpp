#include "workloads/input_file.hpp"

#include <filesystem>

#include "workloads/input_error.hpp"

namespace duet {

std::ifstream open_input_file(const std::string& path, std::uintmax_t max_bytes,
                              std::ios::openmode mode) {
  namespace fs = std::filesystem;
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
