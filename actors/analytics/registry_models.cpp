// SPDX-License-Identifier: Apache-2.0
#include "actors/analytics/registry_models.hpp"

#include "core/defaults.hpp"
#include "core/models/model_catalog.hpp"
#include "core/models/shadow_compare.hpp"

#include <caf/typed_event_based_actor.hpp>
#include <memory>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

std::vector<detector_actor> detectors_of(const registry_state& st) {
  std::vector<detector_actor> out;
  for (auto& [id, e] : st.sessions)
    if (e.detector)
      out.push_back(e.detector);
  return out;
}

/// Answers of a fan-out to every detector.
template <class T> struct gather {
  size_t pending = 0;
  std::vector<detector_actor> ok;
  std::vector<T> answers;
  caf::error err;
};

/// Sends `xs...` to every detector; calls `done(gather)` once each has
/// answered or failed.
template <class T, class Done, class... Ts>
void fan_out(registry_self self, std::vector<detector_actor> dets, Done done,
             Ts... xs) {
  auto g = std::make_shared<gather<T>>();
  g->pending = dets.size();
  // Shared: the reply handlers are const copies, `done` delivers promises.
  auto finish = std::make_shared<Done>(std::move(done));
  for (auto& d : dets)
    self->request(d, defaults::models::load_timeout, xs...)
        .then(
            [=](T& answer) {
              g->ok.push_back(d);
              g->answers.push_back(std::move(answer));
              if (--g->pending == 0)
                (*finish)(*g);
            },
            [=](caf::error& err) {
              // A session that ended meanwhile took its detector with it:
              // that is no failure of the model.
              if (!g->err && err != caf::sec::request_receiver_down)
                g->err = std::move(err);
              if (--g->pending == 0)
                (*finish)(*g);
            });
}

void ignore_reply(registry_self self, const detector_actor& d,
                  const model_spec& spec) {
  self->request(d, defaults::models::load_timeout, atom::activate_v, spec)
      .then([](bool) {},
            [](caf::error& err) {
              spdlog::error("detector could not go back to its model: {}",
                            render(err));
            });
}

} // namespace

model_spec configured_model(const config& cfg,
                            std::vector<std::string> labels) {
  model_spec spec;
  spec.name = model_stem(cfg.detector.model);
  spec.model = cfg.detector.model;
  spec.names = cfg.detector.names.empty() ? names_for_model(cfg.detector.model)
                                          : cfg.detector.names;
  spec.input_width = cfg.detector.input_width;
  spec.input_height = cfg.detector.input_height;
  spec.layout = cfg.detector.layout;
  spec.classes = std::move(labels);
  return spec;
}

caf::result<int32_t> activate_model(registry_self self,
                                    const model_spec& spec) {
  auto& st = self->state;
  auto previous = st.active_model
                      ? *st.active_model
                      : configured_model(st.setup.cfg, st.setup.labels);
  auto dets = detectors_of(st);
  auto commit = [self, spec] {
    auto& st = self->state;
    st.active_model = spec;
    if (!spec.classes.empty())
      st.setup.labels = spec.classes;
  };
  if (dets.empty()) {
    commit();
    return int32_t{0};
  }
  auto rp = self->make_response_promise<int32_t>();
  auto done
      = [self, rp, spec, previous, commit, dets](gather<bool>& g) mutable {
          if (g.err) {
            for (auto& d : g.ok)
              ignore_reply(self, d, previous);
            rp.deliver(g.err);
            return;
          }
          commit();
          // Sessions started while the detectors loaded got the old model.
          for (auto& d : detectors_of(self->state))
            if (std::find(dets.begin(), dets.end(), d) == dets.end())
              ignore_reply(self, d, spec);
          rp.deliver(int32_t(g.ok.size()));
        };
  fan_out<bool>(self, dets, done, atom::activate_v, spec);
  return rp;
}

caf::result<int32_t> start_shadow(registry_self self, const model_spec& spec,
                                  int32_t sample_every) {
  auto dets = detectors_of(self->state);
  if (dets.empty()) {
    self->state.shadow = std::make_pair(spec, sample_every);
    self->state.shadow_ended = shadow_report{};
    return int32_t{0};
  }
  auto rp = self->make_response_promise<int32_t>();
  auto done = [self, rp, spec, sample_every](gather<bool>& g) mutable {
    if (g.err) {
      for (auto& d : g.ok)
        self->request(d, defaults::models::load_timeout, atom::shadow_v,
                      atom::remove_v)
            .then([](shadow_report&) {}, [](caf::error&) {});
      rp.deliver(g.err);
      return;
    }
    self->state.shadow = std::make_pair(spec, sample_every);
    self->state.shadow_ended = shadow_report{};
    rp.deliver(int32_t(g.ok.size()));
  };
  fan_out<bool>(self, dets, done, atom::shadow_v, spec, sample_every);
  return rp;
}

void keep_ended_shadow(registry_self self, const shadow_report& part) {
  auto& st = self->state;
  // Only for the run it belongs to: a report that arrives after shadow
  // mode stopped, or of another candidate, counts for nothing.
  if (!st.shadow || part.model != st.shadow->first.name)
    return;
  merge_shadow(st.shadow_ended, part);
  st.shadow_ended.model = part.model;
}

caf::result<shadow_report> collect_shadow(registry_self self, bool stop) {
  auto& st = self->state;
  shadow_report head;
  if (st.shadow) {
    head.model = st.shadow->first.name;
    head.sample_every = st.shadow->second;
    head.running = !stop;
  }
  head.active = st.active_model ? st.active_model->name
                                : model_stem(st.setup.cfg.detector.model);
  if (!st.shadow_ended.model.empty())
    merge_shadow(head, st.shadow_ended);
  if (stop) {
    st.shadow.reset();
    st.shadow_ended = shadow_report{};
  }
  auto dets = detectors_of(st);
  if (dets.empty()) {
    finish_shadow(head);
    return head;
  }
  auto rp = self->make_response_promise<shadow_report>();
  auto done = [rp, head](gather<shadow_report>& g) mutable {
    for (auto& part : g.answers)
      if (!part.model.empty())
        merge_shadow(head, part);
    finish_shadow(head);
    rp.deliver(head);
  };
  if (stop)
    fan_out<shadow_report>(self, dets, done, atom::shadow_v, atom::remove_v);
  else
    fan_out<shadow_report>(self, dets, done, atom::shadow_v, atom::status_v);
  return rp;
}

} // namespace argus
