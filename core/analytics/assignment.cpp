// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/assignment.hpp"

#include <algorithm>
#include <limits>

namespace argus {

std::vector<int> min_cost_assignment(int n, int m,
                                     const std::vector<double>& a) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1), v(m + 1);
  std::vector<int> p(m + 1), way(m + 1);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::vector<double> minv(m + 1, inf);
    std::vector<char> used(m + 1, false);
    do {
      used[j0] = true;
      int i0 = p[j0], j1 = 0;
      double delta = inf;
      for (int j = 1; j <= m; ++j) {
        if (used[j])
          continue;
        auto cur = a[size_t(i0 - 1) * m + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  std::vector<int> row_to_col(n, -1);
  for (int j = 1; j <= m; ++j)
    if (p[j] != 0)
      row_to_col[p[j] - 1] = j - 1;
  return row_to_col;
}

assignment solve_assignment(const cost_matrix& m, double threshold) {
  assignment result;
  if (m.rows == 0 || m.cols == 0) {
    for (int r = 0; r < m.rows; ++r)
      result.unmatched_rows.push_back(r);
    for (int c = 0; c < m.cols; ++c)
      result.unmatched_cols.push_back(c);
    return result;
  }
  // Forbidden pairs get a cost larger than any sum of allowed costs, so the
  // solver only picks one when nothing else is left; we drop those after.
  bool transpose = m.rows > m.cols;
  int n = transpose ? m.cols : m.rows;
  int k = transpose ? m.rows : m.cols;
  double big = threshold * (n + 1) + 1.0;
  std::vector<double> a(size_t(n) * k);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < k; ++j) {
      auto c = transpose ? m.at(j, i) : m.at(i, j);
      a[size_t(i) * k + j] = c < threshold ? c : big;
    }
  }
  auto sol = min_cost_assignment(n, k, a);
  std::vector<char> row_used(m.rows, false), col_used(m.cols, false);
  for (int i = 0; i < n; ++i) {
    int j = sol[i];
    if (j < 0)
      continue;
    int r = transpose ? j : i, c = transpose ? i : j;
    if (m.at(r, c) < threshold) {
      result.matches.emplace_back(r, c);
      row_used[r] = col_used[c] = true;
    }
  }
  std::sort(result.matches.begin(), result.matches.end());
  for (int r = 0; r < m.rows; ++r)
    if (!row_used[r])
      result.unmatched_rows.push_back(r);
  for (int c = 0; c < m.cols; ++c)
    if (!col_used[c])
      result.unmatched_cols.push_back(c);
  return result;
}

} // namespace argus
