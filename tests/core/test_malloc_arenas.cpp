// SPDX-License-Identifier: Apache-2.0
#include "core/malloc_arenas.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

using namespace argus;

TEST(malloc_arenas, one_per_core_and_at_least_two) {
  EXPECT_EQ(malloc_arena_limit(0), 2); // hardware_concurrency unknown
  EXPECT_EQ(malloc_arena_limit(1), 2);
  EXPECT_EQ(malloc_arena_limit(2), 2);
  EXPECT_EQ(malloc_arena_limit(16), 16);
}

TEST(malloc_arenas, the_environment_wins) {
  ASSERT_EQ(setenv("MALLOC_ARENA_MAX", "4", 1), 0);
  EXPECT_EQ(limit_malloc_arenas(), 0);
  ASSERT_EQ(unsetenv("MALLOC_ARENA_MAX"), 0);
  EXPECT_GE(limit_malloc_arenas(), 2);
}
