// PostgresStore: the action journal, whose JournalBegin is the leadership fence.
#include <utility>

#include "state/codec.h"
#include "state/pg_uri.h"
#include "state/postgres_store.h"

namespace idsync {
namespace {

std::string Int(int64_t v) { return std::to_string(v); }

// A run id, 0 meaning "no run" (NULL, so the foreign key holds).
PgParam RunId(int64_t run_id) { return run_id == 0 ? PgParam() : PgParam(Int(run_id)); }

constexpr const char* kSelectJournal =
    "SELECT id, run_id, platform, email, action, payload, status, attempts, error, "
    "created_at, updated_at FROM journal ";

StatusOr<std::vector<JournalEntry>> ReadJournalRows(const PgResult& r, const std::string& name) {
  std::vector<JournalEntry> entries;
  for (int i = 0; i < r.rows(); ++i) {
    JournalEntry e;
    e.id = r.int64(i, 0);
    e.run_id = r.int64(i, 1);  // NULL (no run) reads as 0
    e.platform = r.text(i, 2);
    e.email = r.text(i, 3);
    e.action = r.text(i, 4);
    e.payload = r.text(i, 5);
    std::optional<JournalStatus> status = ParseJournalStatus(r.text(i, 6));
    if (!status) {
      return Internal(name + ": journal entry " + Int(e.id) + " has unknown status \"" +
                      r.text(i, 6) + "\"");
    }
    e.status = *status;
    e.attempts = static_cast<int>(r.int64(i, 7));
    e.error = r.text(i, 8);
    e.created_at = r.int64(i, 9);
    e.updated_at = r.int64(i, 10);
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace

StatusOr<int64_t> PostgresStore::JournalBegin(int64_t run_id, const Action& action,
                                              int64_t now) {
  const std::string what = std::string("journal ") + StoredVerbName(action.verb) + " " +
                           action.platform + "/" + action.email;
  std::lock_guard<std::mutex> lock(mu_);
  const bool fenced = fenced_.count(action.platform) > 0;
  const std::string lost = name_ + ": " + what + ": leadership (lock) of platform " +
                           action.platform + " lost";
  if (fenced && held_.count(action.platform) == 0) {
    return FailedPrecondition(lost + ": this store no longer holds its lock");
  }
  if (Status s = EnsureSession(what); !s.ok()) {
    if (fenced) return FailedPrecondition(lost + ": " + s.message());
    return s;
  }
  try {
    // One statement, one round trip: its implicit transaction commits at the
    // configured synchronous_commit (set_config local to it; see Durability in
    // postgres_store.h), and when fenced it inserts only while this session holds the
    // platform's lock, so a session that lost it cannot journal, so cannot send.
    const auto ids = PgLockIds(PlatformLockKey(action.platform));
    PgResult r = conn_->Exec(
        "WITH sync AS (SELECT set_config('synchronous_commit', $9, true)) "
        "INSERT INTO journal (run_id, platform, email, action, payload, status, attempts, "
        "created_at, updated_at) "
        "SELECT $1::bigint, $2::text, $3::text, $4::text, $5::text, 'pending', 1, "
        "$6::bigint, $6::bigint FROM sync "
        "WHERE NOT $10::boolean OR EXISTS (SELECT 1 FROM pg_locks "
        "WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() "
        "AND classid = $7::oid AND objid = $8::oid AND objsubid = 1) RETURNING id",
        {RunId(run_id), action.platform, action.email, StoredVerbName(action.verb),
         EncodeActionPayload(action), Int(now), ids.first, ids.second, journal_commit_,
         fenced ? "true" : "false"});
    if (r.rows() == 0) return FailedPrecondition(lost + ": the session no longer holds it");
    return r.int64(0, 0);
  } catch (const PgError& e) {
    Status s = PostgresError(name_, what, e);
    if (fenced && e.connection_lost()) return FailedPrecondition(lost + ": " + s.message());
    return s;
  }
}

Status PostgresStore::JournalFinish(int64_t entry_id, JournalStatus status,
                                    const std::string& error, int attempts, int64_t now) {
  return Locked("finish journal entry " + Int(entry_id), [&]() -> Status {
    PgResult r = conn_->Exec(
        "UPDATE journal SET status = $1, error = $2, attempts = $3, updated_at = $4 "
        "WHERE id = $5",
        {JournalStatusName(status), error, Int(attempts), Int(now), Int(entry_id)});
    if (r.affected() == 0) return NotFound(name_ + ": no journal entry " + Int(entry_id));
    return OkStatus();
  });
}

Status PostgresStore::JournalRecord(int64_t run_id, const Action& action, JournalStatus status,
                                    int64_t now) {
  return JournalRecordAll(run_id, {{&action, status}}, now);
}

StatusOr<std::vector<JournalEntry>> PostgresStore::PendingEntries(const std::string& platform) {
  return Locked("pending journal entries", [&]() -> StatusOr<std::vector<JournalEntry>> {
    // As SQLite's: one platform's through the (platform, status) index.
    PgResult r = platform.empty()
                     ? conn_->Exec(std::string(kSelectJournal) + "WHERE status = 'pending' ORDER BY id")
                     : conn_->Exec(std::string(kSelectJournal) +
                                       "WHERE platform = $1 AND status = 'pending' ORDER BY id",
                                   {platform});
    return ReadJournalRows(r, name_);
  });
}

StatusOr<std::vector<JournalEntry>> PostgresStore::History(const HistoryQuery& query) {
  return Locked("history", [&]() -> StatusOr<std::vector<JournalEntry>> {
    PgResult r = conn_->Exec(std::string(kSelectJournal) +
                                 "WHERE ($1::text IS NULL OR email = $1) "
                                 "AND ($2::text IS NULL OR platform = $2) "
                                 "ORDER BY id DESC LIMIT $3",
                             {query.email ? PgParam(*query.email) : PgParam(),
                              query.platform ? PgParam(*query.platform) : PgParam(),
                              query.limit > 0 ? PgParam(Int(query.limit)) : PgParam()});
    return ReadJournalRows(r, name_);
  });
}

}  // namespace idsync
