#include "sim/dse/worker_processes.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>
#include <vector>

#include "workloads/input_error.hpp"
#include "workloads/input_file.hpp"
#include "workloads/json_reader.hpp"

namespace duet {

int run_worker_processes(int workers, const std::function<int(int)>& work,
                         const std::function<void()>& tick) {
  std::fflush(nullptr);  // buffered output must not be written twice, by parent and child
  const pid_t parent = ::getpid();
  std::vector<pid_t> children;
  for (int w = 0; w < workers; ++w) {
    const pid_t pid = ::fork();
    if (pid < 0) {
      // The workers already started would run on unobserved: stop and reap them first.
      for (pid_t child : children) ::kill(child, SIGKILL);
      for (pid_t child : children) ::waitpid(child, nullptr, 0);
      throw InputError("cannot start worker processes");
    }
    if (pid == 0) {
      // Die with the parent: a killed mpirun, say, takes down only the ranks, and an orphan
      // would keep simulating and writing files that a resumed run has taken over.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(1);
      int status = 2;
      try {
        status = work(w);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "duet: worker %d: %s\n", w, exception_text(e).c_str());
      }
      std::fflush(nullptr);
      ::_exit(status);
    }
    children.push_back(pid);
  }
  // Waits for our workers by pid: a library (MPI) may have child processes of its own.
  int failed = 0;
  while (!children.empty()) {
    for (auto it = children.begin(); it != children.end();) {
      int status = 0;
      const pid_t result = ::waitpid(*it, &status, WNOHANG);
      if (result == 0 || (result < 0 && errno == EINTR)) {
        ++it;
        continue;
      }
      if (result < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
      it = children.erase(it);
    }
    if (children.empty()) break;
    if (tick) tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return failed;
}

std::vector<std::string> complete_lines(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};  // a part file not started yet
  // A device or FIFO named as --out would be read forever.
  // Duet's own part and output files: no size cap (10^8 rows pass 4 GiB).
  std::ifstream in = open_input_file(path, std::numeric_limits<std::uintmax_t>::max());
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(text.substr(start, nl - start));
  }
  return lines;
}

}  // namespace duet
