// Opening the SQLite state: read-write (create, WAL, migrate) or read-only (never
// creates or writes a file). See sqlite_store.h.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

#include "state/db_file.h"
#include "state/schema.h"
#include "state/sqlite_store.h"

namespace idsync {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// A SQLite URI ("file:...?params") for a file path: %, ? and # are escaped, an
// absolute path gets an empty authority ("file:///abs").
std::string SqliteUri(const std::string& path, const char* params) {
  std::string uri = (!path.empty() && path[0] == '/') ? "file://" : "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
      uri += escaped;
    } else {
      uri += c;
    }
  }
  return uri + "?" + params;
}

StatusOr<std::unique_ptr<Store>> OpenReadWrite(const std::string& path) {
  // The file exists with mode 0600 before SQLite opens it; SQLite gives the -wal and
  // -shm files it creates the database file's mode.
  if (Status s = PreparePrivateFile(path); !s.ok()) return s;
  try {
    SQLite::Database db(path, SQLite::OPEN_READWRITE, kBusyTimeoutMs);
    db.exec("PRAGMA foreign_keys = ON");
    const std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
    if (mode != "wal") {
      return FailedPrecondition("state DB " + path +
                                ": cannot switch to WAL journal mode (it stays \"" + mode +
                                "\")");
    }
    db.exec("PRAGMA synchronous = NORMAL");  // and JournalBegin syncs: see sqlite_store.h
    if (Status s = Migrate(db, path); !s.ok()) return s;
    if (Status s = TightenCompanionFiles(path); !s.ok()) return s;
    return std::unique_ptr<Store>(
        std::make_unique<SqliteStore>(path, std::move(db), StoreAccess::kReadWrite));
  } catch (const SQLite::Exception& e) {
    return SqliteError(path, "open", e);
  }
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenEmptyReadOnlyState(const std::string& path) {
  try {
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    if (Status s = Migrate(db, path); !s.ok()) return s;
    db.exec("PRAGMA query_only = ON");
    return std::unique_ptr<Store>(
        std::make_unique<SqliteStore>(path, std::move(db), StoreAccess::kReadOnly));
  } catch (const SQLite::Exception& e) {
    return SqliteError(path, "open read-only", e);
  }
}

namespace {

// Opens with `params` and reads the schema version (the first read of the file).
SQLite::Database OpenProbed(const std::string& path, const char* params, int& version) {
  SQLite::Database db(SqliteUri(path, params), SQLite::OPEN_READONLY | SQLite::OPEN_URI,
                      kBusyTimeoutMs);
  version = SchemaVersion(db);
  return db;
}

StatusOr<std::unique_ptr<Store>> OpenReadOnly(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return OpenEmptyReadOnlyState(path);
    std::string message = "state DB " + path + ": cannot stat: " + std::strerror(errno);
    if (errno == EACCES) return PermissionDenied(std::move(message));
    return FailedPrecondition(std::move(message));
  }
  if (!S_ISREG(st.st_mode)) return FailedPrecondition("state DB " + path + ": not a regular file");
  if (st.st_size == 0) return OpenEmptyReadOnlyState(path);
  // mode=ro would create -wal and -shm files where none exist: without a -wal file
  // every commit is in the main file, read it as immutable. With one, read through it;
  // if its -shm cannot be opened (another user's), the main file is all we can read.
  const bool has_wal = ::access((path + "-wal").c_str(), F_OK) == 0;
  int version = 0;
  try {
    std::optional<SQLite::Database> db;
    if (has_wal) {
      try {
        db.emplace(OpenProbed(path, "mode=ro", version));
      } catch (const SQLite::Exception&) {
        db.reset();
      }
    }
    if (!db) db.emplace(OpenProbed(path, "immutable=1", version));
    const int known = static_cast<int>(SchemaMigrations().size());
    if (version == 0) return OpenEmptyReadOnlyState(path);
    if (version > known) {
      return FailedPrecondition("state DB " + path + " has schema version " +
                                std::to_string(version) + ", this idsync knows up to " +
                                std::to_string(known));
    }
    // An older version is read as it is (never migrated): reads work while the
    // columns they use exist, else they fail naming the database.
    db->exec("PRAGMA query_only = ON");
    return std::unique_ptr<Store>(
        std::make_unique<SqliteStore>(path, std::move(*db), StoreAccess::kReadOnly));
  } catch (const SQLite::Exception& e) {
    return SqliteError(path, "open read-only", e);
  }
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, StoreAccess access) {
  if (path.empty()) return InvalidArgument("state DB path is empty");
  if (access == StoreAccess::kReadOnly) return OpenReadOnly(path);
  return OpenReadWrite(path);
}

}  // namespace idsync
