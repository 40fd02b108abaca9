#pragma once
// Forked worker processes, the parallelism of everything that simulates many designs: SystemC
// elaborates one kernel per process and is not thread-safe.
#include <functional>
#include <string>
#include <vector>

namespace duet {

// Runs work(w) for w = 0 .. workers-1, each in a forked child that dies with this process and
// exits with work's return value (2 if it throws; the message goes to stderr). While they run,
// `tick` (if any) is called about every 200 ms. Returns the number of workers that failed.
int run_worker_processes(int workers, const std::function<int(int)>& work,
                         const std::function<void()>& tick);

// The lines a worker has finished writing to `path` (a trailing partial line, from a worker in
// flight or killed, is left out); none when the file does not exist yet.
std::vector<std::string> complete_lines(const std::string& path);

}  // namespace duet
