// SPDX-License-Identifier: Apache-2.0
#include "actors/models/models.hpp"

#include "actors/failure.hpp"
#include "core/defaults.hpp"

#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = models_actor::stateful_pointer<models_state>;

caf::error not_in_shadow(const std::string& name) {
  return caf::make_error(ec::unknown_model,
                         "model " + name + " is not in shadow mode");
}

} // namespace

models_actor::behavior_type models(self_ptr self, detector_config detector,
                                   registry_actor registry) {
  log_failures(self, "models");
  auto dir = models_dir_of(detector);
  auto max_bytes = detector.max_model_bytes;
  self->state.catalog.emplace(std::move(detector), dir, max_bytes);
  self->state.registry = std::move(registry);
  // Ends with the engine's sessions. A monitor, not a link: a failing
  // MODELS actor must not take the registry (and every session) with it.
  self->monitor(self->state.registry);
  self->set_down_handler([=](const caf::down_msg& dm) {
    if (dm.source == self->state.registry.address())
      self->quit(dm.reason);
  });
  return {
      [=](atom::list) { return self->state.catalog->list(); },
      [=](atom::get, const std::string& name) -> caf::result<model_info> {
        auto info = self->state.catalog->get(name);
        if (!info)
          return info.error();
        return *info;
      },
      [=](const model_upload& up) -> caf::result<model_info> {
        auto info = self->state.catalog->add(up);
        if (!info)
          return info.error();
        spdlog::info("model {} added ({} bytes, {}x{}, {})", info->name,
                     info->size_bytes, info->input_width, info->input_height,
                     info->layout);
        return *info;
      },
      [=](atom::remove, const std::string& name) -> caf::result<std::string> {
        if (auto err = self->state.catalog->remove(name))
          return err;
        spdlog::info("model {} deleted", name);
        return name;
      },
      [=](atom::activate, const std::string& name) -> caf::result<model_info> {
        auto& cat = *self->state.catalog;
        if (cat.active() == name) {
          auto info = cat.get(name);
          if (!info)
            return info.error();
          return *info;
        }
        auto spec = cat.verified_spec(name);
        if (!spec)
          return spec.error();
        auto rp = self->make_response_promise<model_info>();
        self->request(self->state.registry, defaults::models::request_timeout,
                      atom::activate_v, *spec)
            .then(
                [=](int32_t switched) mutable {
                  auto& cat = *self->state.catalog;
                  cat.set_active(name);
                  if (self->state.settings)
                    self->send(self->state.settings, atom::activate_v, *spec);
                  if (cat.shadow() == name) {
                    // A model is not compared with itself.
                    cat.set_shadow("");
                    self->request(self->state.registry,
                                  defaults::models::request_timeout,
                                  atom::shadow_v, atom::remove_v)
                        .then([](shadow_report&) {}, [](caf::error&) {});
                  }
                  spdlog::info("model {} active ({} detector(s) switched)",
                               name, switched);
                  auto info = cat.get(name);
                  if (info)
                    rp.deliver(*info);
                  else
                    rp.deliver(info.error());
                },
                [=](caf::error& err) mutable {
                  spdlog::warn("activating model {} failed: {}", name,
                               render(err));
                  rp.deliver(err);
                });
        return rp;
      },
      [=](atom::shadow, const std::string& name,
          int32_t sample_every) -> caf::result<shadow_report> {
        auto& cat = *self->state.catalog;
        if (sample_every < 1 || sample_every > 10000)
          return caf::make_error(ec::invalid_argument,
                                 "sample_every must be 1 to 10000");
        if (cat.active() == name)
          return caf::make_error(ec::invalid_argument,
                                 name
                                     + " is the active model; shadow mode "
                                       "compares another one with it");
        auto spec = cat.verified_spec(name);
        if (!spec)
          return spec.error();
        auto rp = self->make_response_promise<shadow_report>();
        self->request(self->state.registry, defaults::models::request_timeout,
                      atom::shadow_v, *spec, sample_every)
            .then(
                [=](int32_t) mutable {
                  auto& cat = *self->state.catalog;
                  cat.set_shadow(name);
                  shadow_report r;
                  r.model = name;
                  r.active = cat.active();
                  r.running = true;
                  r.sample_every = sample_every;
                  rp.deliver(r);
                },
                [=](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      },
      [=](atom::shadow, const std::string& name) -> caf::result<shadow_report> {
        if (self->state.catalog->shadow() != name)
          return not_in_shadow(name);
        return self->delegate(self->state.registry, atom::shadow_v,
                              atom::status_v);
      },
      [=](atom::shadow, atom::remove,
          const std::string& name) -> caf::result<shadow_report> {
        auto& cat = *self->state.catalog;
        if (cat.shadow() != name)
          return not_in_shadow(name);
        cat.set_shadow("");
        return self->delegate(self->state.registry, atom::shadow_v,
                              atom::remove_v);
      },
      [=](atom::subscribe, settings_actor settings) {
        self->state.settings = std::move(settings);
      },
  };
}

} // namespace argus
