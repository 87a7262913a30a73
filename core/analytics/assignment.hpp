// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace argus {

/// A dense cost matrix, row-major.
struct cost_matrix {
  int rows = 0;
  int cols = 0;
  std::vector<double> cost;

  double at(int r, int c) const { return cost[size_t(r) * cols + c]; }
  double& at(int r, int c) { return cost[size_t(r) * cols + c]; }
};

/// The result of a thresholded linear assignment.
struct assignment {
  std::vector<std::pair<int, int>> matches;
  std::vector<int> unmatched_rows;
  std::vector<int> unmatched_cols;
};

/// Minimum-cost assignment of every row of an n x m matrix (n <= m) to a
/// distinct column (Hungarian method with shortest augmenting paths,
/// O(n^2 m)). @returns the column chosen for each row.
std::vector<int> min_cost_assignment(int n, int m,
                                     const std::vector<double>& cost);

/// Solves the rectangular linear assignment problem optimally (shortest
/// augmenting paths, Jonker-Volgenant style, O(n^3)) and keeps only pairs
/// whose cost is below `threshold`. Pairs at or above it are treated as
/// forbidden before solving, as ByteTrack's lapjv(cost_limit) does.
assignment solve_assignment(const cost_matrix& m, double threshold);

} // namespace argus
