#pragma once
// Intra-op threads for libtorch, for commands that let the user choose (torch stays in .cpp).
namespace duet {

// One thread is the default: libgomp's spinning workers slow every op down several times as
// soon as another process holds a core (a parallel build or test run), the common case here.
void set_torch_threads(int threads);

}  // namespace duet
