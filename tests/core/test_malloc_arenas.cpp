// SPDX-License-Identifier: Apache-2.0
#include "core/malloc_arenas.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <thread>

using namespace argus;

namespace {

/// Sets (or, with nullopt, unsets) an environment variable for one scope.
class scoped_env {
public:
  scoped_env(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name))
      old_ = old;
    if (value)
      setenv(name, value->c_str(), 1);
    else
      unsetenv(name);
  }
  ~scoped_env() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }

private:
  const char* name_;
  std::optional<std::string> old_;
};

} // namespace

TEST(malloc_arenas, one_per_core_and_at_least_two) {
  EXPECT_EQ(malloc_arena_limit(0), 2); // hardware_concurrency unknown
  EXPECT_EQ(malloc_arena_limit(1), 2);
  EXPECT_EQ(malloc_arena_limit(2), 2);
  EXPECT_EQ(malloc_arena_limit(16), 16);
}

TEST(malloc_arenas, the_environment_wins) {
  scoped_env tunables{"GLIBC_TUNABLES", std::nullopt};
  {
    scoped_env arenas{"MALLOC_ARENA_MAX", std::string("4")};
    EXPECT_EQ(limit_malloc_arenas(), 0);
  }
  {
    scoped_env arenas{"MALLOC_ARENA_MAX", std::nullopt};
    scoped_env t{"GLIBC_TUNABLES", std::string("glibc.malloc.arena_max=4")};
    EXPECT_EQ(limit_malloc_arenas(), 0);
  }
  scoped_env arenas{"MALLOC_ARENA_MAX", std::nullopt};
  EXPECT_EQ(limit_malloc_arenas(),
            malloc_arena_limit(std::thread::hardware_concurrency()));
}
