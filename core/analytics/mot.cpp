// SPDX-License-Identifier: Apache-2.0
#include "core/analytics/mot.hpp"

#include "core/analytics/assignment.hpp"
#include "core/analytics/byte_tracker.hpp"
#include "messages/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

namespace argus {

namespace {

bool parse_fields(const std::string& line, std::vector<double>& out) {
  out.clear();
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) {
    try {
      size_t used = 0;
      out.push_back(std::stod(cell, &used));
    } catch (...) {
      return false;
    }
  }
  return out.size() >= 6;
}

template <class F> caf::error for_each_row(const std::string& path, F f) {
  std::ifstream in(path);
  if (!in)
    return caf::make_error(ec::invalid_argument, "cannot open " + path);
  std::string line;
  std::vector<double> v;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line == "\r")
      continue;
    if (!parse_fields(line, v))
      return caf::make_error(ec::invalid_argument,
                             fmt::format("{}:{}: malformed MOT row", path, n));
    f(v);
  }
  return caf::none;
}

} // namespace

caf::expected<mot_detections> read_mot_detections(const std::string& path) {
  mot_detections result;
  auto err = for_each_row(path, [&](const std::vector<double>& v) {
    detection d;
    d.bbox = {float(v[2]), float(v[3]), float(v[4]), float(v[5])};
    d.conf = v.size() > 6 ? float(v[6]) : 1.0f;
    d.class_id = 0;
    result[int64_t(v[0])].push_back(d);
  });
  if (err)
    return err;
  return result;
}

caf::expected<std::vector<mot_row>> read_mot_rows(const std::string& path) {
  std::vector<mot_row> result;
  auto err = for_each_row(path, [&](const std::vector<double>& v) {
    mot_row r;
    r.frame = int64_t(v[0]);
    r.id = int64_t(v[1]);
    r.bbox = {float(v[2]), float(v[3]), float(v[4]), float(v[5])};
    r.conf = v.size() > 6 ? float(v[6]) : 1.0f;
    r.flag = v.size() > 6 ? int(v[6]) : 1;
    r.class_id = v.size() > 7 ? int(v[7]) : -1;
    result.push_back(r);
  });
  if (err)
    return err;
  return result;
}

void write_mot_tracks(std::ostream& out, int64_t frame,
                      const std::vector<track_state>& tracks) {
  for (auto& t : tracks)
    out << fmt::format("{},{},{:.2f},{:.2f},{:.2f},{:.2f},{:.4f},-1,-1,-1\n",
                       frame, t.id, t.bbox.x, t.bbox.y, t.bbox.w, t.bbox.h,
                       t.conf);
}

double mot_scores::mota() const {
  return gt > 0 ? 1.0 - double(fn + fp + idsw) / double(gt) : 0.0;
}

double mot_scores::idf1() const {
  return gt + hyp > 0 ? 2.0 * double(idtp) / double(gt + hyp) : 0.0;
}

mot_scores& mot_scores::operator+=(const mot_scores& o) {
  gt += o.gt;
  fp += o.fp;
  fn += o.fn;
  idsw += o.idsw;
  idtp += o.idtp;
  hyp += o.hyp;
  return *this;
}

namespace {

/// Hungarian matching maximizing `score`, pairs with score <= 0 dropped.
std::vector<std::pair<size_t, size_t>>
max_score_pairs(size_t n, size_t m, const std::vector<double>& score) {
  std::vector<std::pair<size_t, size_t>> out;
  if (n == 0 || m == 0)
    return out;
  bool tr = n > m;
  int rows = int(tr ? m : n), cols = int(tr ? n : m);
  double top = *std::max_element(score.begin(), score.end());
  std::vector<double> cost(size_t(rows) * cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j)
      cost[size_t(i) * cols + j]
          = top - (tr ? score[size_t(j) * m + i] : score[size_t(i) * m + j]);
  auto sol = min_cost_assignment(rows, cols, cost);
  for (int i = 0; i < rows; ++i) {
    if (sol[i] < 0)
      continue;
    size_t a = tr ? size_t(sol[i]) : size_t(i);
    size_t b = tr ? size_t(i) : size_t(sol[i]);
    if (score[a * m + b] > 0)
      out.emplace_back(a, b);
  }
  return out;
}

bool is_distractor(int cls) {
  return cls == 2 || cls == 7 || cls == 8 || cls == 12;
}

} // namespace

mot_scores score_mot(const std::vector<mot_row>& gt_rows,
                     const std::vector<mot_row>& hyp_rows, bool mot17_rules) {
  constexpr double thr = 0.5 - 1e-9;
  std::map<int64_t, std::vector<const mot_row*>> gt_by_frame, hyp_by_frame;
  for (auto& r : gt_rows)
    gt_by_frame[r.frame].push_back(&r);
  for (auto& r : hyp_rows)
    hyp_by_frame[r.frame].push_back(&r);
  std::set<int64_t> frames;
  for (auto& [f, _] : gt_by_frame)
    frames.insert(f);
  for (auto& [f, _] : hyp_by_frame)
    frames.insert(f);

  mot_scores s;
  std::unordered_map<int64_t, int64_t> last_match; // gt id -> hyp id
  std::map<std::pair<int64_t, int64_t>, int64_t> co_occurrence;
  for (auto f : frames) {
    auto& all_gt = gt_by_frame[f];
    auto hyps = hyp_by_frame[f];
    // Preprocessing: drop tracker boxes matched to distractors, then keep
    // only the scored ground truth.
    std::vector<const mot_row*> gts;
    if (mot17_rules) {
      std::vector<double> sc(all_gt.size() * hyps.size(), 0);
      for (size_t i = 0; i < all_gt.size(); ++i)
        for (size_t j = 0; j < hyps.size(); ++j) {
          auto v = iou(all_gt[i]->bbox, hyps[j]->bbox);
          sc[i * hyps.size() + j] = v >= thr ? v : 0;
        }
      std::vector<char> drop(hyps.size(), false);
      for (auto [i, j] : max_score_pairs(all_gt.size(), hyps.size(), sc))
        if (is_distractor(all_gt[i]->class_id))
          drop[j] = true;
      std::vector<const mot_row*> kept;
      for (size_t j = 0; j < hyps.size(); ++j)
        if (!drop[j])
          kept.push_back(hyps[j]);
      hyps = std::move(kept);
      for (auto g : all_gt)
        if (g->flag != 0 && g->class_id == 1)
          gts.push_back(g);
    } else {
      for (auto g : all_gt)
        if (g->flag != 0)
          gts.push_back(g);
    }
    s.gt += int64_t(gts.size());
    s.hyp += int64_t(hyps.size());
    std::vector<double> sc(gts.size() * hyps.size(), 0);
    for (size_t i = 0; i < gts.size(); ++i) {
      for (size_t j = 0; j < hyps.size(); ++j) {
        auto v = iou(gts[i]->bbox, hyps[j]->bbox);
        if (v < thr)
          continue;
        ++co_occurrence[{gts[i]->id, hyps[j]->id}];
        auto it = last_match.find(gts[i]->id);
        bool kept = it != last_match.end() && it->second == hyps[j]->id;
        sc[i * hyps.size() + j] = (kept ? 1000.0 : 0.0) + v;
      }
    }
    auto pairs = max_score_pairs(gts.size(), hyps.size(), sc);
    for (auto [i, j] : pairs) {
      auto it = last_match.find(gts[i]->id);
      if (it != last_match.end() && it->second != hyps[j]->id)
        ++s.idsw;
      last_match[gts[i]->id] = hyps[j]->id;
    }
    s.fn += int64_t(gts.size() - pairs.size());
    s.fp += int64_t(hyps.size() - pairs.size());
  }
  // IDF1: best one-to-one mapping of ground-truth ids to tracker ids by the
  // number of frames they overlap.
  std::map<int64_t, size_t> gi, hi;
  for (auto& [k, _] : co_occurrence) {
    gi.emplace(k.first, gi.size());
    hi.emplace(k.second, hi.size());
  }
  std::vector<double> w(gi.size() * hi.size(), 0);
  for (auto& [k, n] : co_occurrence)
    w[gi[k.first] * hi.size() + hi[k.second]] = double(n);
  for (auto [i, j] : max_score_pairs(gi.size(), hi.size(), w))
    s.idtp += int64_t(w[i * hi.size() + j]);
  return s;
}

} // namespace argus
