// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "actors/interfaces.hpp"
#include "core/history/track_db.hpp"

#include <optional>
#include <string>

namespace argus {

/// State of a TRACK READER.
struct track_reader_state {
  static inline constexpr const char* name = "track_reader";
  std::string path;
  /// Opened on first use and dropped after an error, so a database that
  /// comes back (or appears) is picked up by the next query.
  std::optional<track_db> db;
};

/// A TRACK READER: answers GET /tracks and GET /ptz/commands queries on its
/// own read-only connection, so queries never wait behind the STORE's
/// writes (WAL).
/// Spawn it detached: queries block on SQLite.
track_reader_actor::behavior_type
track_reader(track_reader_actor::stateful_pointer<track_reader_state> self,
             std::string path);

} // namespace argus
