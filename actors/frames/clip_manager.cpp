// SPDX-License-Identifier: Apache-2.0
#include "actors/frames/clip_manager.hpp"

#include "actors/failure.hpp"
#include "core/defaults.hpp"

#include <algorithm>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <cctype>

namespace argus {

bool valid_clip_id(const std::string& id) {
  if (id.empty() || id.size() > 128)
    return false;
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-')
      return false;
  return true;
}

clip_manager_actor::behavior_type
clip_manager(clip_manager_actor::stateful_pointer<clip_manager_state> self,
             clip_manager_setup setup) {
  log_failures(self, "clip_manager");
  self->state.setup = std::move(setup);
  // Clips are monitored, not linked (a failed clip must not take the
  // manager down), so stopping the manager stops them explicitly. The
  // functor runs after the state is destroyed: it owns its own list.
  auto live = std::make_shared<std::vector<clip_actor>>();
  self->attach_functor([live] {
    for (auto& clip : *live)
      caf::anon_send_exit(clip, caf::exit_reason::user_shutdown);
  });
  self->set_down_handler([=](const caf::down_msg& dm) {
    live->erase(std::remove_if(live->begin(), live->end(),
                               [&](const clip_actor& c) {
                                 return c.address() == dm.source;
                               }),
                live->end());
    auto& clips = self->state.clips;
    for (auto it = clips.begin(); it != clips.end(); ++it)
      if (it->second.clip.address() == dm.source) {
        self->state.setup.cache->erase_clip(it->first);
        clips.erase(it);
        return;
      }
  });
  return {
      [=](clip_source& src) -> caf::result<clip_info> {
        if (!valid_clip_id(src.clip_id))
          return caf::make_error(ec::invalid_argument,
                                 "clip_id must be 1-128 characters of "
                                 "A-Z a-z 0-9 . _ -");
        auto& clips = self->state.clips;
        auto it = clips.find(src.clip_id);
        bool created = it == clips.end();
        if (!created && it->second.uri != src.uri)
          return caf::make_error(ec::clip_conflict,
                                 "clip '" + src.clip_id
                                     + "' is registered with another uri: "
                                     + it->second.uri);
        if (created) {
          clip_setup cs;
          cs.source = src;
          cs.s3 = self->state.setup.s3;
          cs.cache = self->state.setup.cache;
          cs.max_chunks = self->state.setup.max_chunks;
          cs.metrics = self->state.setup.metrics;
          auto hdl = self->state.setup.start_clip(self, std::move(cs));
          self->monitor(hdl);
          live->push_back(hdl);
          it = clips
                   .emplace(src.clip_id,
                            clip_manager_state::entry{src.uri, hdl, false})
                   .first;
        }
        auto rp = self->make_response_promise<clip_info>();
        auto id = src.clip_id;
        self->request(it->second.clip, defaults::frames::open_timeout,
                      atom::create_v)
            .then(
                [=](clip_info& info) mutable {
                  auto found = self->state.clips.find(id);
                  if (found != self->state.clips.end())
                    found->second.ready = true;
                  info.created = created;
                  rp.deliver(info);
                },
                [=](caf::error& err) mutable {
                  // Forget the clip so the id can be registered again.
                  auto found = self->state.clips.find(id);
                  if (found != self->state.clips.end()
                      && !found->second.ready) {
                    self->send_exit(found->second.clip,
                                    caf::exit_reason::user_shutdown);
                    self->state.clips.erase(found);
                  }
                  rp.deliver(err);
                });
        return rp;
      },
      [=](atom::get, const std::string& id) -> caf::result<clip_actor> {
        auto it = self->state.clips.find(id);
        if (it == self->state.clips.end() || !it->second.ready)
          return caf::make_error(ec::unknown_clip,
                                 "no clip '" + id
                                     + "' is registered; POST /clips first");
        return it->second.clip;
      },
      [=](atom::list) -> caf::result<std::vector<clip_info>> {
        auto rp = self->make_response_promise<std::vector<clip_info>>();
        auto out = std::make_shared<std::vector<clip_info>>();
        auto pending = std::make_shared<size_t>(0);
        for (auto& [id, e] : self->state.clips)
          if (e.ready)
            ++*pending;
        if (*pending == 0) {
          rp.deliver(*out);
          return rp;
        }
        for (auto& [id, e] : self->state.clips) {
          if (!e.ready)
            continue;
          auto done = [=]() mutable {
            if (--*pending == 0)
              rp.deliver(*out);
          };
          self->request(e.clip, defaults::server::request_timeout,
                        atom::status_v)
              .then(
                  [=](clip_info& info) mutable {
                    out->push_back(std::move(info));
                    done();
                  },
                  [=](caf::error&) mutable { done(); });
        }
        return rp;
      },
  };
}

} // namespace argus
