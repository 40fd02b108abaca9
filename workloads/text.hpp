#pragma once
// Small text helpers shared by the line-based importers (SCALE-Sim CSV and .cfg).
#include <algorithm>
#include <cctype>
#include <string>

namespace duet {

inline std::string trim(const std::string& s) {
  auto space = [](unsigned char c) { return std::isspace(c); };
  auto begin = std::find_if_not(s.begin(), s.end(), space);
  auto end = std::find_if_not(s.rbegin(), s.rend(), space);
  return begin < end.base() ? std::string(begin, end.base()) : std::string();
}

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace duet
