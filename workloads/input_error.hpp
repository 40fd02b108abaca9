#pragma once
#include <stdexcept>
#include <string>

namespace duet {

// Thrown for any problem with user input (files, fields, values). The CLI turns it into a
// one-line message and exit code 2; every other exception is a bug.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace duet
