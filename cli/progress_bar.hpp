#pragma once
// A progress bar on stderr for long jobs: redrawn in place on a terminal, a line every 10%
// otherwise (so logs stay readable).
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

namespace duet::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label) : label_(std::move(label)), tty_(isatty(STDERR_FILENO)) {}
  ~ProgressBar() {
    if (tty_ && drawn_) std::fputc('\n', stderr);
  }
  void update(int64_t done, int64_t total, const std::string& note = "") {
    if (total <= 0) return;
    const int percent = static_cast<int>(100 * done / total);
    if (tty_) {
      const int width = 30, filled = width * percent / 100;
      std::fprintf(stderr, "\r%s [%s%s] %3d%% %s", label_.c_str(), std::string(filled, '#').c_str(),
                   std::string(width - filled, '.').c_str(), percent, note.c_str());
      std::fflush(stderr);
      drawn_ = true;
    } else if (percent / 10 != last_decile_) {
      last_decile_ = percent / 10;
      std::fprintf(stderr, "%s %d%% %s\n", label_.c_str(), percent, note.c_str());
    }
  }

 private:
  std::string label_;
  bool tty_;
  bool drawn_ = false;
  int last_decile_ = -1;
};

// One bar per stage of a multi-stage job: a new stage closes the last bar with its time.
class StageBars {
 public:
  std::function<void(const std::string&, int64_t, int64_t, const std::string&)> callback() {
    return [this](const std::string& stage, int64_t done, int64_t total, const std::string& note) {
      if (stage != shown_) {
        finish();
        bar_ = std::make_unique<ProgressBar>(stage);
        shown_ = stage;
        start_ = std::chrono::steady_clock::now();
      }
      bar_->update(done, total, note);
    };
  }
  void finish() {
    if (shown_.empty()) return;
    bar_.reset();
    std::fprintf(stderr, "%s: %.1f s\n", shown_.c_str(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    shown_.clear();
  }

 private:
  std::unique_ptr<ProgressBar> bar_;
  std::string shown_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace duet::cli
