// SPDX-License-Identifier: Apache-2.0
#include "actors/settings/settings.hpp"

#include "actors/failure.hpp"
#include "core/settings/config_file.hpp"
#include "core/settings/yaml_json.hpp"

#include <caf/typed_event_based_actor.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = settings_actor::stateful_pointer<settings_state>;

std::string list(const std::vector<std::string>& items) {
  std::string out;
  for (auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "nothing" : out;
}

/// The running config as YAML, headed by where it came from.
std::string file_text(const settings_core& core,
                      std::chrono::system_clock::time_point now) {
  return fmt::format(
             "# Written by argus through /settings at {:%Y-%m-%dT%H:%M:%SZ}; "
             "the file it replaced is kept as a .bak beside it.\n",
             fmt::gmtime(std::chrono::system_clock::to_time_t(now)))
         + json_to_yaml(core.source());
}

/// Writes the running config to the file; fills `out`'s persisted fields.
caf::error persist(self_ptr self, settings_outcome& out) {
  auto& s = *self->state.setup;
  if (s.path.empty())
    return caf::make_error(ec::no_config_file,
                           "argus was started without a config file");
  auto now = s.now();
  auto written
      = write_config_file(s.path, file_text(s.core, now),
                          s.core.running().server.settings_backups, now);
  if (!written) {
    spdlog::error("settings: {}", error_detail(written.error()));
    return written.error();
  }
  out.persisted = true;
  out.path = written->path;
  out.backup = written->backup;
  spdlog::info("settings: written to {}", out.path);
  return caf::none;
}

/// Takes a valid proposal and tells the engine.
settings_outcome accept(self_ptr self, settings_core::proposal p) {
  auto& s = *self->state.setup;
  auto out = p.outcome;
  s.core.accept(std::move(p));
  auto cfg = std::make_shared<const config>(s.core.running());
  if (s.on_accept)
    s.on_accept(*cfg);
  if (s.registry)
    self->send(s.registry, atom::configure_v, config_ptr{cfg});
  if (s.supervisor)
    self->send(s.supervisor, atom::configure_v, config_ptr{cfg});
  if (!out.changed.empty())
    spdlog::info("settings: changed {}; applied {}; waiting for a restart: {}",
                 list(out.changed), list(out.applied),
                 list(out.restart_required));
  return out;
}

caf::result<settings_outcome> patch(self_ptr self, const settings_request& req,
                                    bool dry_run) {
  auto& s = *self->state.setup;
  auto body = nlohmann::json::parse(req.patch_json, nullptr, false);
  if (body.is_discarded())
    return caf::make_error(ec::invalid_argument, "the body is not JSON");
  if (!req.admin) {
    auto secrets = s.core.secrets_written(body, req.section);
    if (!secrets.empty())
      return caf::make_error(ec::forbidden, "writing " + list(secrets)
                                                + " needs the admin role");
  }
  auto p = s.core.propose_patch(body, req.section);
  if (dry_run || !p.valid())
    return p.outcome;
  auto out = accept(self, std::move(p));
  if (req.persist)
    if (auto err = persist(self, out))
      return err;
  return out;
}

caf::result<settings_outcome> reload(self_ptr self) {
  auto& s = *self->state.setup;
  if (s.path.empty())
    return caf::make_error(ec::no_config_file,
                           "argus was started without a config file");
  auto text = read_config_file(s.path);
  if (!text)
    return text.error();
  auto p = s.core.propose_document(*text);
  if (!p.valid())
    return p.outcome;
  spdlog::info("settings: reloaded {}", s.path);
  return accept(self, std::move(p));
}

} // namespace

settings_actor::behavior_type
settings(settings_actor::stateful_pointer<settings_state> self,
         settings_setup setup) {
  log_failures(self, "settings");
  self->state.setup.emplace(std::move(setup));
  return {
      [=](atom::get) {
        return config_ptr{
            std::make_shared<const config>(self->state.setup->core.running())};
      },
      [=](const settings_request& req) -> caf::result<settings_outcome> {
        switch (req.op) {
        case settings_op::patch:
          return patch(self, req, false);
        case settings_op::validate:
          return patch(self, req, true);
        case settings_op::reload:
          return reload(self);
        case settings_op::persist: {
          auto out = self->state.setup->core.pending();
          if (auto err = persist(self, out))
            return err;
          return out;
        }
        }
        return caf::make_error(ec::invalid_argument, "unknown settings op");
      },
      [=](atom::activate, const model_spec& spec) {
        self->state.setup->core.take_active_model(spec);
        spdlog::info("settings: detector.model is now {}", spec.model);
      },
  };
}

} // namespace argus
