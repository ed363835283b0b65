// SqliteStore: the exclusive-applier lock and retention.
#include <utility>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "state/sqlite_store.h"

namespace idsync {

StatusOr<std::unique_ptr<StoreLock>> SqliteStore::Lock(const std::string& platform,
                                                       const LockOptions& options) {
  if (access_ == StoreAccess::kReadOnly) {
    return FailedPrecondition("state " + path_ +
                              " is open read-only: only apply and run take its lock");
  }
  if (Status s = lock_file_->Acquire(options); !s.ok()) return s;
  return MakeFileStoreLock(lock_file_, platform);
}

StatusOr<int64_t> SqliteStore::Prune(int64_t cutoff_unix) {
  return Locked("prune", [&]() -> StatusOr<int64_t> {
    SQLite::Transaction tx(db_);
    SQLite::Statement journal(
        db_,
        "DELETE FROM journal WHERE updated_at < ?1 AND status <> 'pending' "
        "AND id NOT IN (SELECT MAX(id) FROM journal GROUP BY platform, email)");
    journal.bind(1, cutoff_unix);
    int64_t deleted = journal.exec();
    SQLite::Statement runs(
        db_,
        "DELETE FROM runs "
        "WHERE (CASE WHEN finished_at > 0 THEN finished_at ELSE started_at END) < ?1 "
        "AND id NOT IN (SELECT run_id FROM journal WHERE run_id IS NOT NULL) "
        "AND id NOT IN (SELECT run_id FROM platform_status WHERE run_id IS NOT NULL)");
    runs.bind(1, cutoff_unix);
    deleted += runs.exec();
    tx.commit();
    return deleted;
  });
}

}  // namespace idsync
