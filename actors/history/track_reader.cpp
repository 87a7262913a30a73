// SPDX-License-Identifier: Apache-2.0
#include "actors/history/track_reader.hpp"

#include "actors/failure.hpp"

namespace argus {

namespace {

using self_ptr = track_reader_actor::stateful_pointer<track_reader_state>;

/// Runs `fn` on an open connection; any store error drops the connection.
template <class Fn>
auto with_db(self_ptr self, Fn fn) -> decltype(fn(*self->state.db)) {
  auto& st = self->state;
  if (!st.db) {
    auto db = track_db::open_reader(st.path);
    if (!db)
      return db.error();
    st.db.emplace(std::move(*db));
  }
  auto result = fn(*st.db);
  if (!result && result.error() == ec::store_unavailable)
    st.db.reset();
  return result;
}

} // namespace

track_reader_actor::behavior_type track_reader(self_ptr self,
                                               std::string path) {
  log_failures(self, "track_reader");
  self->state.path = std::move(path);
  return {
      [=](atom::query, const track_query& q) -> caf::result<track_page> {
        auto page = with_db(self, [&](track_db& db) { return db.query(q); });
        if (!page)
          return page.error();
        return std::move(*page);
      },
      [=](atom::get, const std::string& track_id,
          int32_t max_samples) -> caf::result<stored_track> {
        auto track = with_db(
            self, [&](track_db& db) { return db.get(track_id, max_samples); });
        if (!track)
          return track.error();
        return std::move(*track);
      },
      [=](atom::query,
          const ptz_command_query& q) -> caf::result<ptz_command_page> {
        auto page
            = with_db(self, [&](track_db& db) { return db.ptz_commands(q); });
        if (!page)
          return page.error();
        return std::move(*page);
      },
  };
}

} // namespace argus
