#pragma once
// Report outputs: JSON (nested), CSV (per layer), Chrome trace events (Perfetto), and the
// human summary. Files are written atomically, so an interrupted run leaves no partial file.
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "sim/report.hpp"

namespace duet {

std::string report_json(const Report& report);
std::string layers_csv(const Report& report);
std::string trace_json(const Report& report);
void print_summary(std::ostream& out, const Report& report, bool per_layer);

// Writes to `path` through a temporary file and a rename. Throws InputError if the directory
// cannot be written.
void write_file_atomically(const std::string& path, const std::string& content);
// Creates `dir` and its parents; InputError naming it if that fails (a file in the way, no
// permission), instead of the library's "filesystem error".
void create_output_directory(const std::string& dir);
// A command's outputs as one commit: all are written to temporaries (devices such as /dev/null
// in place) before any is renamed, so a failure leaves none of the set behind.
void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace duet
