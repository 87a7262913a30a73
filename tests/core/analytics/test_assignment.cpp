// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/assignment.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <numeric>
#include <random>

using namespace argus;

namespace {

double brute_force_best(const cost_matrix& m) {
  std::vector<int> cols(m.cols);
  std::iota(cols.begin(), cols.end(), 0);
  double best = 1e300;
  do {
    double sum = 0;
    for (int r = 0; r < m.rows; ++r)
      sum += m.at(r, cols[r]);
    best = std::min(best, sum);
  } while (std::next_permutation(cols.begin(), cols.end()));
  return best;
}

} // namespace

TEST(assignment, picks_the_global_optimum_not_the_greedy_one) {
  // Greedy takes (0,0)=1 and is then forced into (1,1)=10; optimum is 2+3.
  cost_matrix m{2, 2, {1, 2, 3, 10}};
  auto cols = min_cost_assignment(2, 2, m.cost);
  EXPECT_EQ(cols[0], 1);
  EXPECT_EQ(cols[1], 0);
}

TEST(assignment, matches_brute_force_on_random_matrices) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> u(0, 1);
  for (int trial = 0; trial < 50; ++trial) {
    int n = 1 + trial % 5, m = n + trial % 3;
    cost_matrix cm{n, m, std::vector<double>(size_t(n * m))};
    for (auto& c : cm.cost)
      c = u(rng);
    auto cols = min_cost_assignment(n, m, cm.cost);
    double sum = 0;
    for (int r = 0; r < n; ++r)
      sum += cm.at(r, cols[r]);
    EXPECT_NEAR(sum, brute_force_best(cm), 1e-9) << "trial " << trial;
  }
}

TEST(assignment, threshold_forbids_expensive_pairs) {
  cost_matrix m{2, 3, {0.1, 0.9, 0.95, 0.92, 0.97, 0.2}};
  auto a = solve_assignment(m, 0.5);
  ASSERT_EQ(a.matches.size(), 2u);
  EXPECT_EQ(a.matches[0], std::make_pair(0, 0));
  EXPECT_EQ(a.matches[1], std::make_pair(1, 2));
  EXPECT_EQ(a.unmatched_cols, std::vector<int>{1});
  EXPECT_TRUE(a.unmatched_rows.empty());
}

TEST(assignment, more_rows_than_columns_and_empty_inputs) {
  cost_matrix tall{3, 1, {0.3, 0.1, 0.2}};
  auto a = solve_assignment(tall, 0.8);
  ASSERT_EQ(a.matches.size(), 1u);
  EXPECT_EQ(a.matches[0], std::make_pair(1, 0));
  EXPECT_EQ(a.unmatched_rows.size(), 2u);
  cost_matrix empty{0, 4, {}};
  auto b = solve_assignment(empty, 0.8);
  EXPECT_TRUE(b.matches.empty());
  EXPECT_EQ(b.unmatched_cols.size(), 4u);
}
