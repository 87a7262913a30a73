// SPDX-License-Identifier: Apache-2.0
#include "gateway/stats_snapshot.hpp"

#include "core/clock.hpp"
#include "core/defaults.hpp"

#include <mutex>

namespace argus {

namespace {

constexpr auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    defaults::server::request_timeout);

/// One gathering in flight: each answer (or error) fills its part and the
/// last one hands the snapshot on.
struct gathering {
  std::mutex mtx;
  stats_snapshot snapshot;
  int pending = 1; // the gathering's own start, released last
  std::function<void(stats_snapshot)> done;

  /// Runs `fill` on the snapshot, then finishes if it was the last part.
  template <class F> void answer(F fill) {
    std::unique_lock<std::mutex> guard{mtx};
    fill(snapshot);
    if (--pending > 0)
      return;
    auto out = std::move(snapshot);
    guard.unlock();
    done(std::move(out));
  }

  void expect(int n) {
    std::lock_guard<std::mutex> guard{mtx};
    pending += n;
  }
};

using gathering_ptr = std::shared_ptr<gathering>;

/// Asks `hdl` and stores the answer with `fill(snapshot, answer)`; an
/// error leaves that part empty.
template <class T, class Handle, class Fill, class... Ts>
void ask_part(const std::shared_ptr<gateway_context>& ctx, gathering_ptr g,
              const Handle& hdl, Fill fill, Ts... xs) {
  g->expect(1);
  ask(
      ctx->sys, hdl, timeout,
      [g, fill](T& x) { g->answer([&](stats_snapshot& s) { fill(s, x); }); },
      [g](const caf::error&) { g->answer([](stats_snapshot&) {}); }, xs...);
}

camera_snapshot* camera_of(stats_snapshot& s, const std::string& id) {
  for (auto& c : s.cameras)
    if (c.camera_id == id)
      return &c;
  return nullptr;
}

void ask_cameras(const std::shared_ptr<gateway_context>& ctx, gathering_ptr g,
                 std::vector<camera_info>& cams) {
  for (auto& cam : cams) {
    auto id = cam.camera_id;
    if (!cam.session_id.empty())
      ask_part<session_status>(
          ctx, g, ctx->registry,
          [id](stats_snapshot& s, session_status& x) {
            camera_of(s, id)->session = std::move(x);
          },
          atom::status_v, cam.session_id);
    if (auto relay = ctx->handles->relay(id))
      ask_part<relay_status>(
          ctx, g, relay,
          [id](stats_snapshot& s, relay_status& x) {
            camera_of(s, id)->relay = std::move(x);
          },
          atom::status_v);
    if (auto ptz = ctx->handles->ptz(id))
      ask_part<ptz_status>(
          ctx, g, ptz,
          [id](stats_snapshot& s, ptz_status& x) {
            camera_of(s, id)->ptz = std::move(x);
          },
          atom::status_v);
  }
}

} // namespace

void gather_stats(const std::shared_ptr<gateway_context>& ctx,
                  std::function<void(stats_snapshot)> done) {
  auto g = std::make_shared<gathering>();
  g->done = std::move(done);
  g->snapshot.ts_unix_ms = unix_now_ms();
  g->snapshot.frame_server = static_cast<bool>(ctx->clips);
  if (auto store = ctx->handles->store()) {
    g->snapshot.store_state = "unresponsive";
    ask_part<store_status>(
        ctx, g, store,
        [](stats_snapshot& s, store_status& x) {
          s.store_state = to_string(x.state);
          s.store = std::move(x);
        },
        atom::status_v);
  }
  if (ctx->clips)
    ask_part<std::vector<clip_info>>(
        ctx, g, ctx->clips,
        [](stats_snapshot& s, std::vector<clip_info>& x) {
          s.clips = std::move(x);
        },
        atom::list_v);
  // The cameras first, then what each of them has.
  g->expect(1);
  ask(
      ctx->sys, ctx->registry, timeout,
      [ctx, g](std::vector<camera_info>& cams) {
        g->answer([&](stats_snapshot& s) {
          for (auto& cam : cams)
            s.cameras.push_back({cam.camera_id, cam.session_id, {}, {}, {}});
        });
        // Still pending: the gathering's own start keeps it open.
        ask_cameras(ctx, g, cams);
        g->answer([](stats_snapshot&) {});
      },
      [g](const caf::error&) {
        g->answer([](stats_snapshot&) {});
        g->answer([](stats_snapshot&) {});
      },
      atom::list_v);
}

} // namespace argus
