// SPDX-License-Identifier: Apache-2.0
// Ego-motion from the pixels (decision 0012): the camera's motion between
// two frames of the virtual PTZ camera, estimated by grid points + LK flow
// + RANSAC (core/video/global_motion, what argus runs), by the strongest
// corners instead of grid points, and by phase correlation on the same
// downscaled grey image, against the truth the views give. Prints a
// markdown table: per scenario and method, the share of frames with an
// estimate, the endpoint error (mean, p95, max) in frame pixels, wrong
// estimates (error > 3 px) and the cost per frame.
#include "core/video/global_motion.hpp"
#include "tests/support/ptz_footage.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>
#include <string>

using namespace argus;

namespace {

/// Phase correlation on the work image: translation only (a zoom has no
/// answer), trusted above a peak response.
class phase_motion {
public:
  phase_motion(int work_width, double min_response)
      : width_(work_width), min_response_(min_response) {}

  global_motion_estimate update(const cv::Mat& bgr) {
    double scale = 1;
    cv::Mat cur;
    motion_work_image(bgr, width_, scale).convertTo(cur, CV_32F);
    global_motion_estimate out;
    if (!prev_.empty()) {
      if (window_.empty())
        cv::createHanningWindow(window_, cur.size(), CV_32F);
      double response = 0;
      auto shift = cv::phaseCorrelate(prev_, cur, window_, &response);
      if (response >= min_response_) {
        out.valid = true;
        out.dx = shift.x * bgr.cols / cur.cols;
        out.dy = shift.y * bgr.rows / cur.rows;
      }
    }
    prev_ = cur;
    return out;
  }

private:
  int width_;
  double min_response_;
  cv::Mat prev_;
  cv::Mat window_;
};

/// The strongest corners (goodFeaturesToTrack, as the motion stage picks
/// them) instead of grid points, followed one way, then the same fit.
class corner_motion {
public:
  global_motion_estimate update(const cv::Mat& bgr) {
    double scale = 1;
    auto cur = motion_work_image(bgr, 320, scale);
    global_motion_estimate out;
    if (!prev_.empty()) {
      cv::Mat half;
      cv::resize(prev_, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
      std::vector<cv::Point2f> from, to;
      cv::goodFeaturesToTrack(half, from, 100, 0.01, 4);
      for (auto& q : from)
        q *= 2.0f;
      point_tracks tr;
      if (!from.empty()) {
        std::vector<uchar> ok;
        std::vector<float> err;
        cv::calcOpticalFlowPyrLK(prev_, cur, from, to, ok, err,
                                 cv::Size(15, 15), 2);
        for (size_t i = 0; i < from.size(); ++i)
          if (ok[i]) {
            tr.from.push_back(from[i]);
            tr.to.push_back(to[i]);
          }
      }
      out = estimate_global_motion(tr, cur.size(), {});
      out.dx *= double(bgr.cols) / cur.cols;
      out.dy *= double(bgr.rows) / cur.rows;
    }
    prev_ = cur;
    return out;
  }

private:
  cv::Mat prev_;
};

struct scenario {
  std::string name;
  std::function<void(int64_t, virtual_ptz&)> script;
};

struct method {
  std::string name;
  std::function<std::function<global_motion_estimate(const cv::Mat&)>()> make;
};

} // namespace

int main() {
  synthetic_params p; // 640x360 at 15 fps, 3 drones, 2 birds, 2 clouds
  virtual_ptz_limits lim;
  constexpr int frames = 180;
  // Velocities that swing back and forth (a cosine of the given period),
  // so the view travels about its start and never meets the source's edge.
  auto swing = [](double pan, double tilt, double zoom, double period_s) {
    return [=](int64_t t, virtual_ptz& head) {
      auto c = std::cos(2 * M_PI * t / 1000.0 / period_s);
      auto s = std::sin(2 * M_PI * t / 1000.0 / period_s);
      head.move(pan * c, tilt * s, zoom * s, t, 2000);
    };
  };
  std::vector<scenario> scenarios{
      {"still camera", [](int64_t, virtual_ptz&) {}},
      {"pan 0.3", swing(0.3, 0, 0, 4)},
      {"pan 0.6 + tilt 0.3", swing(0.6, 0.3, 0, 3)},
      {"zoom 1", swing(0, 0, 1, 6)},
      {"zoomed-in pan 0.1",
       [](int64_t t, virtual_ptz& head) {
         if (t == 0)
           head.go_to({0.5, 0.5, 0.7}, true);
         auto c = std::cos(2 * M_PI * t / 4000.0);
         head.move(0.1 * c, 0.05 * c, 0, t, 2000);
       }},
      {"pan 0.3 + zoom 0.8", swing(0.3, 0.1, 0.8, 6)},
  };
  auto grid = [](int width, int cells, double ransac_px) {
    global_motion_params gp;
    gp.ransac_px = ransac_px;
    gp.work_width = width;
    gp.grid_cells = cells;
    return [g = global_motion{gp}](const cv::Mat& m) mutable {
      return g.update(m);
    };
  };
  std::vector<method> methods{
      {"grid LK + RANSAC 0.5 px, 320 px (argus)",
       [=] { return grid(320, 24, 0.5); }},
      {"grid LK + RANSAC 1 px, 320 px", [=] { return grid(320, 24, 1.0); }},
      {"grid LK + RANSAC 0.5 px, 160 px", [=] { return grid(160, 16, 0.5); }},
      {"strongest corners LK + RANSAC, 320 px",
       [] {
         return [g = corner_motion{}](const cv::Mat& m) mutable {
           return g.update(m);
         };
       }},
      {"phase correlation, 320 px",
       [] {
         return [g = phase_motion{320, 0.1}](const cv::Mat& m) mutable {
           return g.update(m);
         };
       }},
      {"phase correlation, 160 px",
       [] {
         return [g = phase_motion{160, 0.1}](const cv::Mat& m) mutable {
           return g.update(m);
         };
       }},
  };
  std::printf("| scenario | method | estimated | mean err px | p95 err px | "
              "max err px | wrong (>3 px) | ms / frame |\n"
              "|---|---|---|---|---|---|---|---|\n");
  for (auto& sc : scenarios) {
    auto footage = test::render_ptz_footage(p, lim, frames, sc.script);
    cv::Size size{p.width, p.height};
    for (auto& m : methods) {
      auto estimate = m.make();
      std::vector<double> errors;
      int wrong = 0;
      double ms = 0;
      for (size_t i = 0; i < footage.size(); ++i) {
        auto t0 = std::chrono::steady_clock::now();
        auto e = estimate(footage[i].bgr);
        ms += std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - t0)
                  .count();
        if (i == 0 || !e.valid)
          continue;
        auto truth
            = test::true_motion_px(footage[i - 1].view, footage[i].view, size);
        auto err = test::endpoint_error(e, truth, size);
        errors.push_back(err);
        wrong += err > 3;
      }
      std::sort(errors.begin(), errors.end());
      double mean = 0;
      for (auto e : errors)
        mean += e;
      auto n = errors.size();
      std::printf("| %s | %s | %.0f %% | %.2f | %.2f | %.2f | %d | %.2f |\n",
                  sc.name.c_str(), m.name.c_str(),
                  100.0 * n / (footage.size() - 1), n ? mean / n : 0.0,
                  n ? errors[size_t(0.95 * (n - 1))] : 0.0,
                  n ? errors.back() : 0.0, wrong, ms / footage.size());
    }
  }
}
