#include "models/archive_file.hpp"

#include <unistd.h>

#include <filesystem>

#include "workloads/input_error.hpp"

namespace duet {

void save_archive_atomically(torch::serialize::OutputArchive& archive, const std::string& path,
                             const std::string& what) {
  const std::filesystem::path target(path);
  std::error_code ec;
  // A rename would replace a device, FIFO or directory by a regular file; an archive is a file.
  const auto status = std::filesystem::status(target, ec);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
    throw InputError(path + ": not a regular file; the " + what + " is written only to a file");
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  try {
    archive.save_to(tmp);
  } catch (const c10::Error& e) {
    std::filesystem::remove(tmp, ec);
    throw InputError(path + ": cannot write the " + what + " (" + e.what_without_backtrace() + ")");
  }
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw InputError(path + ": cannot write the " + what + " (" + ec.message() + ")");
  }
}

}  // namespace duet
