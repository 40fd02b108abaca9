#pragma once
// Shared by the libFuzzer harnesses (make fuzz): an input either loads or is refused with
// InputError; anything else (a crash, another exception, a sanitizer report) is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "workloads/input_error.hpp"

namespace duet::fuzz {

// Loaders that take a path read the input from this per-process file (the extension selects
// the format where the loader looks at it).
inline std::string input_file(const uint8_t* data, size_t size, const std::string& extension) {
  const std::string path = "/tmp/duet-fuzz-" + std::to_string(::getpid()) + extension;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) __builtin_trap();
  if (size && std::fwrite(data, 1, size, f) != size) __builtin_trap();
  if (std::fclose(f) != 0) __builtin_trap();
  return path;
}

template <class Load>
int refused_or_loaded(Load&& load) {
  try {
    load();
  } catch (const InputError&) {
  }
  return 0;
}

}  // namespace duet::fuzz
