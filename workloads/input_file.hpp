#pragma once
// Every input file is opened here: it must be a regular file (not a directory, a FIFO or a
// device such as /dev/zero, which would never end) no larger than a limit, so that no input
// reads forever or exhausts memory before a message.
#include <cstdint>
#include <fstream>
#include <string>

namespace duet {

// Configs, workloads, spaces, studies, LUT tables, SCALE-Sim files.
constexpr std::uintmax_t kMaxTextInputBytes = std::uintmax_t{256} << 20;
// ONNX models (protobuf's own limit is 2 GiB) and datasets.
constexpr std::uintmax_t kMaxDataInputBytes = std::uintmax_t{4} << 30;

// Throws InputError naming the path: missing, not a regular file, larger than `max_bytes`, or
// unreadable.
// Throws InputError naming `what` (an option or a field) for a value that cannot name a file on
// this system: a NUL byte (which the C library would silently cut there), more than 4095 bytes,
// or a '/'-separated part of more than 255 bytes. Checked before any filesystem call, whose own
// error would not say which option was wrong.
void check_path_text(const std::string& value, const std::string& what);

std::ifstream open_input_file(const std::string& path, std::uintmax_t max_bytes,
                              std::ios::openmode mode = std::ios::in | std::ios::binary);

}  // namespace duet
