// SPDX-License-Identifier: Apache-2.0
#include "actors/analytics/detector.hpp"

#include "actors/failure.hpp"
#include "core/models/model_catalog.hpp"

#include <algorithm>
#include <caf/typed_event_based_actor.hpp>
#include <chrono>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = detector_actor::stateful_pointer<detector_state>;

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - t0)
      .count();
}

/// Renumbers class ids onto the session's labels; drops unknown classes.
void remap(const std::vector<int32_t>& class_map,
           std::vector<detection>& dets) {
  if (class_map.empty())
    return;
  std::vector<detection> out;
  out.reserve(dets.size());
  for (auto& d : dets) {
    if (d.class_id < 0 || size_t(d.class_id) >= class_map.size()
        || class_map[size_t(d.class_id)] < 0)
      continue;
    d.class_id = class_map[size_t(d.class_id)];
    out.push_back(d);
  }
  dets = std::move(out);
}

/// Runs the shadow candidate on this frame when it is due.
void run_shadow(self_ptr self, const cv::Mat& bgr, double active_ms) {
  auto& sh = *self->state.shadow;
  if (sh.frames++ % uint64_t(sh.sample_every) != 0)
    return;
  auto t0 = std::chrono::steady_clock::now();
  auto dets = sh.stage.detect(bgr);
  auto cand_ms = ms_since(t0);
  if (!dets) {
    spdlog::warn("shadow model {} failed on a frame: {}", sh.spec.name,
                 render(dets.error()));
    return;
  }
  sh.compare.add(self->state.impl->last_model_detections(), active_ms,
                 sh.stage.last_model_detections(), cand_ms);
}

shadow_report shadow_status(self_ptr self) {
  auto& st = self->state;
  if (!st.shadow) {
    shadow_report none;
    none.detectors = 1;
    return none;
  }
  auto r = st.shadow->compare.report();
  r.model = st.shadow->spec.name;
  r.active = st.model_name;
  r.running = true;
  r.sample_every = st.shadow->sample_every;
  return r;
}

} // namespace

std::vector<int32_t> map_classes(const std::vector<std::string>& model,
                                 const std::vector<std::string>& labels) {
  if (model == labels)
    return {};
  std::vector<int32_t> out;
  for (auto& name : model) {
    auto it = std::find(labels.begin(), labels.end(), name);
    out.push_back(it == labels.end() ? -1 : int32_t(it - labels.begin()));
  }
  return out;
}

detector_actor::behavior_type detector_worker(self_ptr self,
                                              detector_config cfg) {
  log_failures(self, "detector_worker");
  auto loaded = detection_stage::load(cfg);
  if (!loaded) {
    spdlog::error("detector failed to load: {}", render(loaded.error()));
    self->quit(loaded.error());
    return detector_actor::behavior_type::make_empty_behavior();
  }
  self->state.impl.emplace(std::move(*loaded));
  self->state.labels = self->state.impl->names();
  self->state.cfg = cfg;
  self->state.model_name = model_stem(cfg.model);
  if (cfg.ego_motion)
    self->state.ego.emplace();
  // Linked to its session only, it ends with it, however it ended (a
  // detector without a session has nothing to do): its shadow comparison
  // goes to the registry first (it keeps the counts of ended sessions).
  self->set_exit_handler([=](caf::exit_msg& msg) {
    auto& st = self->state;
    if (st.shadow && st.shadow_owner) {
      auto r = shadow_status(self);
      r.running = false;
      caf::anon_send(caf::actor_cast<caf::actor>(st.shadow_owner),
                     atom::shadow_v, std::move(r));
    }
    self->quit(msg.reason);
  });
  return {
      [=](const frame_ptr& f) -> caf::result<detection_set> {
        auto& st = self->state;
        auto t0 = std::chrono::steady_clock::now();
        ego_motion ego;
        if (st.ego && f->view.w == 0) {
          auto e = st.ego->update(f->bgr);
          ego = {e.valid, e.scale, e.dx, e.dy};
        }
        auto t_model = std::chrono::steady_clock::now();
        auto dets = st.impl->detect(f->bgr);
        if (!dets)
          return dets.error();
        if (st.shadow)
          run_shadow(self, f->bgr, ms_since(t_model));
        remap(st.class_map, *dets);
        detection_set out;
        out.frame_index = f->index;
        out.ts_unix_ms = f->ts_unix_ms;
        out.ts_mono_ms = f->ts_mono_ms;
        out.frame_w = f->bgr.cols;
        out.frame_h = f->bgr.rows;
        out.detect_ms = ms_since(t0);
        out.detections = std::move(*dets);
        out.view = f->view;
        out.ego = ego;
        return out;
      },
      [=](atom::activate, const model_spec& spec) -> caf::result<bool> {
        auto& st = self->state;
        auto t0 = std::chrono::steady_clock::now();
        auto next = detection_stage::load(with_model(st.cfg, spec));
        if (!next) {
          spdlog::warn("detector keeps its model: {} failed to load: {}",
                       spec.name, render(next.error()));
          return next.error();
        }
        // Swapped between two frames: the next frame runs the new model.
        st.impl.emplace(std::move(*next));
        st.class_map = map_classes(st.impl->names(), st.labels);
        st.model_name = spec.name;
        if (st.shadow)
          st.shadow->compare.set_active_names(st.impl->names());
        spdlog::info("detector switched to model {} in {:.0f} ms", spec.name,
                     ms_since(t0));
        return true;
      },
      [=](atom::shadow, const model_spec& spec,
          int32_t sample_every) -> caf::result<bool> {
        auto& st = self->state;
        auto cand = detection_stage::load(with_model(st.cfg, spec));
        if (!cand)
          return cand.error();
        auto names = cand->names();
        st.shadow.emplace(detector_shadow{
            spec, std::move(*cand), shadow_compare{st.impl->names(), names},
            std::max(1, sample_every), 0});
        st.shadow_owner = self->current_sender();
        return true;
      },
      [=](atom::shadow, atom::status) { return shadow_status(self); },
      [=](atom::shadow, atom::remove) {
        auto r = shadow_status(self);
        r.running = false;
        self->state.shadow.reset();
        self->state.shadow_owner = nullptr;
        return r;
      },
  };
}

} // namespace argus
