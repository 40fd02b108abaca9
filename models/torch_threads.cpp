#include "models/torch_threads.hpp"

#include <torch/torch.h>

#include "workloads/input_error.hpp"

namespace duet {

void set_torch_threads(int threads) {
  if (threads < 1 || threads > 256) throw InputError("--threads must be in [1, 256]");
  torch::set_num_threads(threads);
}

}  // namespace duet
