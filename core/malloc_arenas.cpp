// SPDX-License-Identifier: Apache-2.0
#include "core/malloc_arenas.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <thread>

namespace argus {

int malloc_arena_limit(unsigned cores) {
  return static_cast<int>(std::max(2u, cores));
}

int limit_malloc_arenas() {
  if (std::getenv("MALLOC_ARENA_MAX") != nullptr)
    return 0;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.arena_max"))
    return 0;
  int limit = malloc_arena_limit(std::thread::hardware_concurrency());
  return mallopt(M_ARENA_MAX, limit) == 1 ? limit : 0;
}

} // namespace argus
