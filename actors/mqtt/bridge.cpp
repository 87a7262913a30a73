// SPDX-License-Identifier: Apache-2.0
#include "actors/mqtt/bridge.hpp"

#include "actors/failure.hpp"
#include "core/defaults.hpp"
#include "core/text.hpp"

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <chrono>
#include <spdlog/spdlog.h>

namespace argus {

namespace {

using self_ptr = mqtt_bridge_actor::stateful_pointer<mqtt_bridge_state>;

constexpr int qos_at_most_once = 0;
constexpr int qos_at_least_once = 1;

int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

caf::timespan span_of(double s) {
  return std::chrono::duration_cast<caf::timespan>(
      std::chrono::duration<double>(s));
}

/// Hands one message to the broker connection and counts the outcome.
void publish(self_ptr self, const std::string& topic, const text_ptr& text,
             int qos, bool retain) {
  auto& st = self->state;
  if (text && st.client && st.client->publish(topic, *text, qos, retain))
    ++st.counters.published;
  else
    ++st.counters.undelivered;
}

/// The reply to a command: on the camera's reply topic, or on the errors
/// topic when the topic named no known camera.
void reply(self_ptr self, const std::string& camera, const command_reply& r,
           bool autotrack = false, bool enabled = false) {
  auto& st = self->state;
  if (!r.ok)
    ++st.counters.commands_rejected;
  auto topic
      = camera.empty() ? st.topics->errors() : st.topics->command_reply(camera);
  publish(self, topic, st.setup.codec->encode(r, autotrack, enabled),
          qos_at_least_once, false);
}

command_reply error_reply(std::string code, std::string detail) {
  command_reply r;
  r.error = std::move(code);
  r.detail = std::move(detail);
  return r;
}

void publish_tracks(self_ptr self) {
  auto& st = self->state;
  for (auto& [camera, text] : st.ticks.take_changed())
    publish(self, st.topics->tracks(camera), text, qos_at_most_once, true);
}

void publish_ptz_state(self_ptr self, const std::string& camera,
                       const ptz_status& ps) {
  auto& st = self->state;
  publish(self, st.topics->ptz_state(camera), st.setup.codec->encode(ps),
          qos_at_least_once, true);
}

void refresh_ptz_states(self_ptr self) {
  for (auto& camera : self->state.setup.cameras) {
    auto ptz = self->state.setup.handles->ptz(camera);
    if (!ptz)
      continue;
    self->request(ptz, defaults::server::request_timeout, atom::status_v)
        .then([=](ptz_status& ps) { publish_ptz_state(self, camera, ps); },
              [=](caf::error& err) {
                spdlog::debug("mqtt: no PTZ state of {}: {}", camera,
                              render(err));
              });
  }
}

/// Subscribes to the session with this id (once).
/// Becomes a client of the camera's session (unless it is one already).
void adopt_session(self_ptr self, const std::string& camera,
                   const std::string& session_id, const session_actor& s) {
  auto& st = self->state;
  if (st.session_of.count(camera))
    return;
  self->monitor(s);
  st.camera_of[s.address()] = camera;
  st.session_of[camera] = s;
  self->send(s, atom::subscribe_v, caf::actor_cast<client_actor>(self),
             wire_extensions{0});
  spdlog::info("mqtt: publishing session {} of camera {}", session_id, camera);
}

/// A session the poll found (one that started before the bridge watched).
void subscribe_session(self_ptr self, const std::string& camera,
                       const std::string& session_id) {
  auto& st = self->state;
  if (st.session_of.count(camera) || !st.looking_up.insert(session_id).second)
    return;
  self->request(st.setup.registry, defaults::server::request_timeout,
                atom::get_v, session_id)
      .then(
          [=](session_actor& s) {
            self->state.looking_up.erase(session_id);
            adopt_session(self, camera, session_id, s);
          },
          [=](caf::error&) { self->state.looking_up.erase(session_id); });
}

/// Every running session's status, then one stats message.
void publish_stats(self_ptr self) {
  auto& st = self->state;
  auto collected = std::make_shared<mqtt_stats>();
  auto left = std::make_shared<size_t>(st.session_of.size());
  auto finish = [=] {
    collected->ts_unix_ms = unix_now_ms();
    collected->mqtt = self->state.counters;
    collected->mqtt.connected
        = self->state.client && self->state.client->connected();
    publish(self, self->state.topics->stats(),
            self->state.setup.codec->encode(*collected), qos_at_most_once,
            false);
  };
  if (*left == 0)
    return finish();
  for (auto& [camera, session] : st.session_of)
    self->request(session, defaults::server::request_timeout, atom::status_v)
        .then(
            [=](session_status& ss) {
              collected->sessions.push_back(std::move(ss));
              if (--*left == 0)
                finish();
            },
            [=](caf::error&) {
              if (--*left == 0)
                finish();
            });
}

void poll(self_ptr self) {
  self->request(self->state.setup.registry, defaults::server::request_timeout,
                atom::list_v)
      .then(
          [=](std::vector<camera_info>& cams) {
            for (auto& c : cams)
              if (!c.session_id.empty())
                subscribe_session(self, c.camera_id, c.session_id);
          },
          [=](caf::error& err) {
            spdlog::warn("mqtt: cannot list sessions: {}", render(err));
          });
  publish_stats(self);
  refresh_ptz_states(self);
}

void on_command(self_ptr self, const mqtt_message& msg) {
  auto& st = self->state;
  ++st.counters.commands;
  auto cmd = parse_mqtt_command(*st.topics, st.cameras, msg.topic, msg.payload);
  if (cmd.kind == mqtt_command::invalid) {
    spdlog::warn("mqtt: refused a command on '{}': {} ({})",
                 quote_prefix(msg.topic, 128), cmd.error, cmd.detail);
    return reply(self, cmd.camera_id, error_reply(cmd.error, cmd.detail));
  }
  if (st.pending_commands >= defaults::mqtt::max_pending_commands)
    return reply(self, cmd.camera_id,
                 error_reply("too_many_pending_commands",
                             "wait for replies before sending more commands"));
  auto camera = cmd.camera_id;
  auto failed = [=](caf::error& err) {
    --self->state.pending_commands;
    reply(self, camera, error_reply("internal_error", render(err)));
  };
  if (cmd.kind == mqtt_command::autotrack) {
    auto ptz = st.setup.handles->ptz(camera);
    if (!ptz)
      return reply(self, camera,
                   error_reply("no_ptz", "camera '" + camera
                                             + "' has no PTZ (ptz.backend: "
                                               "none)"));
    ++st.pending_commands;
    auto on = cmd.enable;
    self->request(ptz, defaults::server::request_timeout, atom::enable_v, on)
        .then(
            [=](ptz_status& ps) {
              --self->state.pending_commands;
              command_reply r;
              r.ok = true;
              r.command = "autotrack";
              reply(self, camera, r, true, ps.autotrack_enabled);
              publish_ptz_state(self, camera, ps);
            },
            failed);
    return;
  }
  auto it = st.session_of.find(camera);
  if (it == st.session_of.end())
    return reply(
        self, camera,
        error_reply("no_session", "camera '" + camera
                                      + "' has no analytics session the bridge "
                                        "follows yet (POST /sessions; it looks "
                                        "every mqtt.stats_interval_s)"));
  ++st.pending_commands;
  self->request(it->second, defaults::server::request_timeout,
                cmd.to_client_command())
      .then(
          [=](command_reply& r) {
            --self->state.pending_commands;
            reply(self, camera, r);
          },
          failed);
}

void on_link(self_ptr self, const mqtt_link& link) {
  auto& c = self->state.counters;
  if (link.up) {
    ++c.connects;
    c.connected = true;
    self->state.outage_failures = 0;
    spdlog::info("mqtt: connected to {}:{}", self->state.setup.cfg.host,
                 self->state.setup.cfg.port);
    // A new connection: the broker may have lost the retained copies.
    self->state.ticks.mark_all_changed();
    publish_tracks(self);
    refresh_ptz_states(self);
    return;
  }
  ++c.connect_failures;
  auto n = ++self->state.outage_failures;
  // One warning per outage, then one info line per attempt.
  if (c.connected || c.connect_failures == 1)
    spdlog::warn("mqtt: broker {}:{} unavailable ({}); retrying with "
                 "backoff",
                 self->state.setup.cfg.host, self->state.setup.cfg.port,
                 link.detail);
  else
    spdlog::info("mqtt: reconnect attempt {} failed ({})", n, link.detail);
  c.connected = false;
}

} // namespace

mqtt_bridge_state::~mqtt_bridge_state() {
  if (client)
    client->stop(defaults::mqtt::stop_timeout);
}

mqtt_bridge_actor::behavior_type mqtt_bridge(self_ptr self,
                                             mqtt_bridge_setup setup) {
  log_failures(self, "mqtt-bridge");
  auto& st = self->state;
  st.setup = std::move(setup);
  st.topics.emplace(st.setup.cfg.topic_prefix);
  st.cameras.insert(st.setup.cameras.begin(), st.setup.cameras.end());
  mqtt_client_config cc;
  auto& m = st.setup.cfg;
  cc.host = m.host;
  cc.port = m.port;
  cc.client_id = m.client_id;
  cc.username = m.username;
  cc.password = m.password;
  cc.keepalive_s = defaults::mqtt::keepalive_s;
  cc.retry.min_ms = m.retry_min_ms;
  cc.retry.max_ms = m.retry_max_ms;
  cc.availability_topic = st.topics->available();
  cc.subscriptions = st.topics->command_filters();
  // The network thread only enqueues: its callbacks never touch the state.
  auto hdl = caf::actor_cast<mqtt_bridge_actor>(self);
  st.client = std::make_unique<mqtt_client>(
      cc,
      [hdl](std::string topic, std::string payload) {
        caf::anon_send(hdl, mqtt_message{std::move(topic), std::move(payload)});
      },
      [hdl](bool up, std::string detail) {
        caf::anon_send(hdl, mqtt_link{up, std::move(detail)});
      });
  self->set_down_handler([=](const caf::down_msg& dm) {
    auto& st = self->state;
    auto it = st.camera_of.find(dm.source);
    if (it == st.camera_of.end())
      return;
    st.session_of.erase(it->second);
    st.ticks.erase(it->second);
    st.camera_of.erase(it);
  });
  spdlog::info("mqtt: bridge to {}:{} (topics {}/...)", m.host, m.port,
               m.topic_prefix);
  // Each new session at once (its first events included); the first poll,
  // queued before the broker link can report, finds those that started
  // before.
  self->send(st.setup.registry, atom::watch_v,
             caf::actor_cast<session_watcher_actor>(self));
  self->send(self, atom::poll_v);
  st.client->start();
  self->send(self, atom::publish_v);
  return {
      // -- as a client of the sessions --
      [=](atom::tick, text_ptr text) {
        auto& st = self->state;
        auto it = st.camera_of.find(
            caf::actor_cast<caf::actor_addr>(self->current_sender()));
        if (it != st.camera_of.end() && st.ticks.put(it->second, text))
          ++st.counters.ticks_replaced;
      },
      [=](atom::event, text_ptr text) {
        publish(self, self->state.topics->events(), text, qos_at_least_once,
                false);
      },
      // A socket's commands; the bridge has none (its own come as
      // mqtt_message).
      [=](client_command&) {},
      [=](atom::written) {},
      [=](atom::closed) {},
      // The session ends (deleted, shutting down): its down message
      // follows and forgets it.
      [=](atom::close, uint16_t, const std::string&) {},
      // -- as a session watcher --
      [=](atom::create, const std::string& camera,
          const std::string& session_id, const session_actor& s) {
        adopt_session(self, camera, session_id, s);
      },
      // -- MQTT --
      [=](const mqtt_message& msg) { on_command(self, msg); },
      [=](const mqtt_link& link) { on_link(self, link); },
      // -- timers --
      [=](atom::poll) {
        poll(self);
        self->delayed_send(self,
                           span_of(self->state.setup.cfg.stats_interval_s),
                           atom::poll_v);
      },
      [=](atom::publish) {
        publish_tracks(self);
        self->delayed_send(self,
                           span_of(self->state.setup.cfg.tracks_interval_s),
                           atom::publish_v);
      },
  };
}

} // namespace argus
