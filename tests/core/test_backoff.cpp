// SPDX-License-Identifier: Apache-2.0
#include "core/backoff.hpp"

#include <gtest/gtest.h>

using namespace argus;

TEST(backoff, grows_by_the_factor_up_to_the_cap_within_the_jitter) {
  backoff b{{100, 1000, 2.0, 0.2}, 42};
  const double bases[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (double base : bases) {
    auto d = b.next_delay_ms();
    EXPECT_GE(d, base * 0.8 - 1) << "base " << base;
    EXPECT_LE(d, std::min(base * 1.2, 1000.0) + 1) << "base " << base;
  }
  EXPECT_EQ(b.failures(), 7);
  b.reset();
  EXPECT_EQ(b.failures(), 0);
  auto first = b.next_delay_ms();
  EXPECT_GE(first, 79);
  EXPECT_LE(first, 121);
}

TEST(backoff, jitter_spreads_cameras_that_failed_together) {
  // Ten cameras with different seeds, same policy, first retry.
  int distinct = 0, last = -1;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    backoff b{{1000, 60000, 2.0, 0.25}, seed};
    auto d = b.next_delay_ms();
    EXPECT_GE(d, 750);
    EXPECT_LE(d, 1250);
    distinct += d != last;
    last = d;
  }
  EXPECT_GE(distinct, 8);
}

TEST(backoff, no_jitter_is_exact_and_same_seed_repeats) {
  backoff exact{{250, 2000, 3.0, 0.0}, 7};
  EXPECT_EQ(exact.next_delay_ms(), 250);
  EXPECT_EQ(exact.next_delay_ms(), 750);
  EXPECT_EQ(exact.next_delay_ms(), 2000);
  backoff a{{100, 5000, 2.0, 0.3}, 9}, b{{100, 5000, 2.0, 0.3}, 9};
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(a.next_delay_ms(), b.next_delay_ms());
}
