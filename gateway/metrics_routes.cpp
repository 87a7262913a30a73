// SPDX-License-Identifier: Apache-2.0
#include "gateway/metrics_routes.hpp"

#include "core/text.hpp"
#include "gateway/json_codec.hpp"
#include "gateway/stats_snapshot.hpp"

namespace argus {

using nlohmann::json;

namespace {

using metrics::label_pairs;
using metrics::metric_type;
using metrics::text_writer;

/// One snapshot family: HELP/TYPE, then a sample per camera that has the
/// value (`get` returns false when it has not).
template <class Get>
void camera_family(text_writer& out, const stats_snapshot& s,
                   std::string_view name, std::string_view help,
                   metric_type type, Get get) {
  bool started = false;
  for (auto& cam : s.cameras) {
    double value = 0;
    if (!get(cam, value))
      continue;
    if (!started)
      out.family(name, help, type);
    started = true;
    out.sample(name, {{"camera", cam.camera_id}}, value);
  }
}

/// The status counters the actors keep, as families read at scrape time.
void write_snapshot(text_writer& out, const stats_snapshot& s,
                    const gateway_context& ctx) {
  auto relay = [](auto field) {
    return [field](const camera_snapshot& c, double& v) {
      if (!c.relay)
        return false;
      v = double(field(*c.relay));
      return true;
    };
  };
  camera_family(
      out, s, "argus_camera_frames_decoded_total",
      "Frames the camera decoded (frames in).", metric_type::counter,
      relay([](const relay_status& r) { return r.camera.frames_decoded; }));
  camera_family(
      out, s, "argus_camera_reconnects_total",
      "Times the camera reconnected to its source.", metric_type::counter,
      relay([](const relay_status& r) { return r.camera.reconnects; }));
  camera_family(out, s, "argus_camera_online", "1 while the camera is online.",
                metric_type::gauge, relay([](const relay_status& r) {
                  return r.camera.state == camera_link::online ? 1 : 0;
                }));
  camera_family(out, s, "argus_relay_frames_encoded_total",
                "JPEG frames the relay encoded for viewers (frames out).",
                metric_type::counter,
                relay([](const relay_status& r) { return r.frames_encoded; }));
  camera_family(out, s, "argus_relay_frames_stale_total",
                "Frames the relay dropped because encoding fell behind.",
                metric_type::counter,
                relay([](const relay_status& r) { return r.frames_stale; }));
  camera_family(out, s, "argus_relay_viewers", "Relay viewers now.",
                metric_type::gauge,
                relay([](const relay_status& r) { return r.viewers; }));
  camera_family(out, s, "argus_session_clients",
                "WebSocket clients of the camera's analytics session.",
                metric_type::gauge, [](const camera_snapshot& c, double& v) {
                  if (!c.session)
                    return false;
                  v = double(c.session->clients);
                  return true;
                });
  out.family("argus_ws_refused_total",
             "WebSocket upgrades refused at the client limit.",
             metric_type::counter);
  out.sample("argus_ws_refused_total", {}, double(ctx.ws_refused.load()));
  if (s.store) {
    auto& st = *s.store;
    out.family("argus_store_inserts_total",
               "Rows the store committed, by kind.", metric_type::counter);
    out.sample("argus_store_inserts_total", {{"kind", "event"}},
               double(st.events_written));
    out.sample("argus_store_inserts_total", {{"kind", "sample"}},
               double(st.samples_written));
    out.sample("argus_store_inserts_total", {{"kind", "ptz_command"}},
               double(st.ptz_commands_written));
    out.family("argus_store_shed_total",
               "Rows the store dropped because the disk lagged or failed.",
               metric_type::counter);
    out.sample("argus_store_shed_total", {{"kind", "sample"}},
               double(st.samples_shed));
    out.sample("argus_store_shed_total", {{"kind", "ptz_command"}},
               double(st.ptz_commands_shed));
    out.family("argus_store_errors_total",
               "Database operations of the store that failed (open, "
               "commit, delete, expiry; each retry counts).",
               metric_type::counter);
    out.sample("argus_store_errors_total", {}, double(st.write_errors));
    out.family("argus_store_pending", "Rows waiting for the next commit.",
               metric_type::gauge);
    out.sample("argus_store_pending", {{"kind", "event"}},
               double(st.pending_events));
    out.sample("argus_store_pending", {{"kind", "sample"}},
               double(st.pending_samples));
  }
  out.family("argus_store_up",
             "1 while the store is ok (0: degraded, "
             "unresponsive or disabled).",
             metric_type::gauge);
  out.sample("argus_store_up", {}, s.store_state == "ok" ? 1 : 0);
  if (s.frame_server && !s.clips.empty()) {
    auto clip_family
        = [&](std::string_view name, std::string_view help, auto field) {
            out.family(name, help, metric_type::counter);
            for (auto& c : s.clips)
              out.sample(name, {{"clip", c.clip_id}}, double(field(c)));
          };
    clip_family("argus_frames_requests_total", "Frames clients requested.",
                [](const clip_info& c) { return c.frames_requested; });
    clip_family("argus_frames_cache_hits_total",
                "Requested frames served from the frame cache.",
                [](const clip_info& c) { return c.cache_hits; });
    clip_family("argus_frames_decoded_total", "Frames the decoder produced.",
                [](const clip_info& c) { return c.frames_decoded; });
    clip_family("argus_frames_errors_total", "Failed frame requests.",
                [](const clip_info& c) { return c.errors; });
  }
}

/// The controller measures its own command rate (ptz_controller::status).
json ptz_json(const ptz_status& p) {
  return {{"backend", p.backend},
          {"commands_per_s", p.commands_per_s},
          {"connected", p.connected},
          {"autotrack", to_string(p.autotrack)},
          {"commands_sent", p.commands_sent},
          {"command_errors", p.command_errors}};
}

json camera_json(const camera_snapshot& c, int64_t now_ms) {
  json out{{"session_id", c.session_id.empty() ? json() : json(c.session_id)}};
  if (c.session) {
    auto& s = *c.session;
    out["fps"] = s.fps;
    out["detection_latency_p50_ms"] = s.detect_p50_ms;
    out["latency_p50_ms"] = s.latency_p50_ms;
    out["latency_p99_ms"] = s.latency_p99_ms;
    out["frames_processed"] = s.frames_processed;
    out["frames_dropped"] = s.frames_dropped;
    out["active_tracks"] = s.active_tracks;
    out["clients"] = s.clients;
    out["tracking_phase"] = s.tracking_phase;
  }
  if (c.relay) {
    auto& r = *c.relay;
    out["state"] = to_string(r.camera.state);
    out["frames_decoded"] = r.camera.frames_decoded;
    out["viewers"] = r.viewers;
    out["relay_frames_encoded"] = r.frames_encoded;
    out["relay_frames_stale"] = r.frames_stale;
    out["frame_age_ms"]
        = r.latest_unix_ms > 0
              ? json(std::max<int64_t>(0, now_ms - r.latest_unix_ms))
              : json();
  } else {
    out["state"] = "unresponsive";
  }
  out["ptz"] = c.ptz ? ptz_json(*c.ptz) : json();
  return out;
}

json stats_json(const stats_snapshot& s, gateway_context& ctx) {
  json cams = json::object();
  for (auto& c : s.cameras)
    cams[c.camera_id] = camera_json(c, s.ts_unix_ms);
  json store{{"state", s.store_state}};
  if (s.store) {
    auto& st = *s.store;
    // Lag: how long ago the store last committed what it was given.
    store["lag_ms"] = st.last_commit_unix_ms > 0 ? json(std::max<int64_t>(
                          0, s.ts_unix_ms - st.last_commit_unix_ms))
                                                 : json();
    store["pending_events"] = st.pending_events;
    store["pending_samples"] = st.pending_samples;
    store["events_written"] = st.events_written;
    store["samples_written"] = st.samples_written;
    store["samples_shed"] = st.samples_shed;
  }
  json frames{{"enabled", s.frame_server}};
  if (s.frame_server) {
    int64_t requested = 0, hits = 0, decoded = 0;
    for (auto& c : s.clips) {
      requested += c.frames_requested;
      hits += c.cache_hits;
      decoded += c.frames_decoded;
    }
    frames["clips"] = int64_t(s.clips.size());
    frames["frames_requested"] = requested;
    frames["cache_hits"] = hits;
    frames["frames_decoded"] = decoded;
  }
  return {{"ts_unix_ms", s.ts_unix_ms},
          {"cameras", cams},
          {"clients",
           {{"websocket", ctx.ws_clients.load()},
            {"refused", ctx.ws_refused.load()}}},
          {"store", store},
          {"frame_server", frames}};
}

} // namespace

void get_metrics(const route_call& call) {
  auto ctx = call.ctx;
  auto reply = call.reply;
  gather_stats(ctx, [ctx, reply](stats_snapshot s) {
    text_writer out;
    if (ctx->metrics)
      ctx->metrics->registry.write(out);
    write_snapshot(out, s, *ctx);
    http_response res{http::status::ok, reply.version};
    res.keep_alive(reply.keep_alive);
    res.set(http::field::server, "argus");
    res.set(http::field::content_type,
            "text/plain; version=0.0.4; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = out.text();
    res.prepare_payload();
    reply.respond(std::move(res));
  });
}

void get_stats(const route_call& call) {
  auto ctx = call.ctx;
  auto reply = call.reply;
  gather_stats(ctx, [ctx, reply](stats_snapshot s) {
    reply.json(http::status::ok, dump_json(stats_json(s, *ctx)));
  });
}

} // namespace argus
