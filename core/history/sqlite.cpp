// SPDX-License-Identifier: Apache-2.0
#include "core/history/sqlite.hpp"

#include "messages/error.hpp"
#include "messages/types.hpp"

#include <sqlite3.h>
#include <utility>

namespace argus {

namespace {

caf::error sqlite_error(sqlite3* db, int rc, const std::string& what) {
  std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return caf::make_error(ec::store_unavailable,
                         what + ": " + msg + " (" + sqlite3_errstr(rc) + ")");
}

} // namespace

sqlite_stmt::sqlite_stmt(sqlite_stmt&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

sqlite_stmt& sqlite_stmt::operator=(sqlite_stmt&& other) noexcept {
  std::swap(db_, other.db_);
  std::swap(stmt_, other.stmt_);
  return *this;
}

sqlite_stmt::~sqlite_stmt() {
  sqlite3_finalize(stmt_);
}

sqlite_stmt& sqlite_stmt::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

sqlite_stmt& sqlite_stmt::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

sqlite_stmt& sqlite_stmt::bind(int index, const std::string& value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

sqlite_stmt& sqlite_stmt::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

sqlite_stmt& sqlite_stmt::bind_optional(int index, int64_t value) {
  return value == none_id ? bind_null(index) : bind(index, value);
}

caf::expected<bool> sqlite_stmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  return sqlite_error(db_, rc, "step");
}

caf::error sqlite_stmt::run() {
  auto r = step();
  reset();
  return r ? caf::error{} : r.error();
}

void sqlite_stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t sqlite_stmt::column_int(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

int64_t sqlite_stmt::column_optional(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL ? none_id
                                                        : column_int(col);
}

double sqlite_stmt::column_double(int col) const {
  return sqlite3_column_double(stmt_, col);
}

std::string sqlite_stmt::column_text(int col) const {
  auto p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         sqlite3_column_bytes(stmt_, col))
           : std::string{};
}

caf::expected<sqlite_db> sqlite_db::open(const std::string& path, bool create,
                                         bool read_only) {
  sqlite3* db = nullptr;
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !read_only)
    flags |= SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    auto err = sqlite_error(db, rc, "open " + path);
    sqlite3_close(db);
    return err;
  }
  sqlite3_extended_result_codes(db, 1);
  return sqlite_db{db};
}

sqlite_db::sqlite_db(sqlite_db&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

sqlite_db& sqlite_db::operator=(sqlite_db&& other) noexcept {
  std::swap(db_, other.db_);
  return *this;
}

sqlite_db::~sqlite_db() {
  // close_v2 defers until the last statement is finalized.
  sqlite3_close_v2(db_);
}

caf::error sqlite_db::exec(const std::string& sql) {
  char* msg = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
  if (rc == SQLITE_OK)
    return {};
  std::string text = msg ? msg : sqlite3_errstr(rc);
  sqlite3_free(msg);
  return caf::make_error(ec::store_unavailable,
                         text + " (" + sqlite3_errstr(rc) + ")");
}

caf::expected<sqlite_stmt> sqlite_db::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT,
                              &stmt, nullptr);
  if (rc != SQLITE_OK)
    return sqlite_error(db_, rc, "prepare");
  return sqlite_stmt{db_, stmt};
}

caf::expected<std::string> sqlite_db::scalar(const std::string& sql) {
  auto stmt = prepare(sql);
  if (!stmt)
    return stmt.error();
  auto row = stmt->step();
  if (!row)
    return row.error();
  return *row ? stmt->column_text(0) : std::string{};
}

int64_t sqlite_db::changes() const {
  return sqlite3_changes(db_);
}

caf::error sqlite_db::last_error(const std::string& what) const {
  return sqlite_error(db_, sqlite3_errcode(db_), what);
}

sqlite_transaction::~sqlite_transaction() {
  if (open_)
    db_.exec("ROLLBACK");
}

caf::error sqlite_transaction::begin() {
  auto err = db_.exec("BEGIN IMMEDIATE");
  open_ = !err;
  return err;
}

caf::error sqlite_transaction::commit() {
  auto err = db_.exec("COMMIT");
  if (!err)
    open_ = false;
  return err;
}

} // namespace argus
