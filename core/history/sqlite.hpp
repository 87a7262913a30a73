// SPDX-License-Identifier: Apache-2.0
// Thin RAII over the SQLite C API: a connection and prepared statements that
// report failures as caf::error values carrying SQLite's own message.
#pragma once

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace argus {

/// A prepared statement; bind by 1-based index, step, read columns, reset.
class sqlite_stmt {
public:
  sqlite_stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite_stmt(sqlite_stmt&&) noexcept;
  sqlite_stmt& operator=(sqlite_stmt&&) noexcept;
  sqlite_stmt(const sqlite_stmt&) = delete;
  sqlite_stmt& operator=(const sqlite_stmt&) = delete;
  ~sqlite_stmt();

  sqlite_stmt& bind(int index, int64_t value);
  sqlite_stmt& bind(int index, double value);
  sqlite_stmt& bind(int index, const std::string& value);
  sqlite_stmt& bind_null(int index);
  /// Binds none_id (-1) as NULL, anything else as the integer.
  sqlite_stmt& bind_optional(int index, int64_t value);

  /// @returns true for a row, false when done, an error otherwise.
  caf::expected<bool> step();
  /// Steps a statement that returns no rows.
  caf::error run();
  /// Clears bindings and rewinds, ready for the next use.
  void reset();

  int64_t column_int(int col) const;
  /// NULL reads as none_id (-1).
  int64_t column_optional(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;

private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

/// One SQLite connection.
class sqlite_db {
public:
  /// Opens (creating when `create`) the file; `read_only` opens for queries.
  static caf::expected<sqlite_db> open(const std::string& path, bool create,
                                       bool read_only);
  sqlite_db(sqlite_db&&) noexcept;
  sqlite_db& operator=(sqlite_db&&) noexcept;
  sqlite_db(const sqlite_db&) = delete;
  sqlite_db& operator=(const sqlite_db&) = delete;
  ~sqlite_db();

  /// Runs one or more statements without results.
  caf::error exec(const std::string& sql);
  caf::expected<sqlite_stmt> prepare(const std::string& sql);
  /// The first column of the first row as text (PRAGMAs, scalar queries).
  caf::expected<std::string> scalar(const std::string& sql);
  int64_t changes() const;
  /// The error of the last failed call, as a store_unavailable error.
  caf::error last_error(const std::string& what) const;

private:
  explicit sqlite_db(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

/// An open transaction that rolls back unless committed.
class sqlite_transaction {
public:
  explicit sqlite_transaction(sqlite_db& db) : db_(db) {}
  ~sqlite_transaction();
  caf::error begin();
  caf::error commit();

private:
  sqlite_db& db_;
  bool open_ = false;
};

} // namespace argus
