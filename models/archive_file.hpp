#pragma once
// Private to models/*.cpp (includes libtorch): publishing torch archives safely.
#include <torch/torch.h>

#include <string>

namespace duet {

// Writes `archive` to `path` (creating its directory) through a temporary file and a rename,
// so an interruption never leaves half an archive where a reader or a --resume looks. Throws
// InputError "<path>: cannot write the <what> (...)".
void save_archive_atomically(torch::serialize::OutputArchive& archive, const std::string& path,
                             const std::string& what);

}  // namespace duet
