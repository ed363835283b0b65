// PostgresStore: the action journal, whose JournalBegin is the leadership fence.
#include <algorithm>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

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

int64_t PostgresStore::InsertJournal(int64_t run_id, const Action& action, JournalStatus status,
                                     int attempts, int64_t now) {
  PgResult r = conn_->Exec(
      "INSERT INTO journal (run_id, platform, email, action, payload, status, attempts, "
      "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
      {RunId(run_id), action.platform, action.email, StoredVerbName(action.verb),
       EncodeActionPayload(action), JournalStatusName(status), Int(attempts), Int(now)});
  return r.int64(0, 0);
}

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
  if (status == JournalStatus::kPending) {
    // A pending row means "request maybe sent"; recovery would act on it.
    return InvalidArgument(name_ + ": journal record of " + action.platform + "/" +
                           action.email + ": a record without a request cannot be "
                           "pending (use JournalBegin)");
  }
  const std::string what = std::string("journal ") + JournalStatusName(status) + " " +
                           StoredVerbName(action.verb) + " " + action.platform + "/" +
                           action.email;
  return Locked(what, [&]() -> Status {
    // The same deferred or held action as this user's newest row on the platform is
    // refreshed, not written again (see store.h).
    PgTransaction tx(*conn_);
    const std::string payload = EncodeActionPayload(action);
    PgResult last = conn_->Exec(
        "SELECT id, action, payload, status FROM journal WHERE platform = $1 AND email = $2 "
        "ORDER BY id DESC LIMIT 1",
        {action.platform, action.email});
    if (last.rows() == 1 && last.text(0, 1) == StoredVerbName(action.verb) &&
        last.text(0, 2) == payload && last.text(0, 3) == JournalStatusName(status)) {
      conn_->Exec("UPDATE journal SET run_id = $1, updated_at = $2 WHERE id = $3",
                  {RunId(run_id), Int(now), last.text(0, 0)});
    } else {
      InsertJournal(run_id, action, status, 0, now);
    }
    tx.Commit();
    return OkStatus();
  });
}

namespace {

// Rows per statement of RecordAdopts: one JSON parameter each, so 100,000 adopts are
// a few dozen round trips inside the one transaction.
constexpr std::size_t kAdoptChunk = 2000;

// The journal and managed_accounts rows of adoptions[begin, end) as two JSON arrays
// (jsonb_to_recordset's input): bound as parameters, never spliced into SQL.
std::pair<std::string, std::string> AdoptRows(const std::vector<Adoption>& adoptions,
                                              std::size_t begin, std::size_t end) {
  nlohmann::json journal = nlohmann::json::array(), managed = nlohmann::json::array();
  for (std::size_t i = begin; i < end; ++i) {
    const Adoption& a = adoptions[i];
    journal.push_back({{"platform", a.action->platform},
                       {"email", a.action->email},
                       {"payload", EncodeActionPayload(*a.action)}});
    const ManagedAccount& m = a.account;
    managed.push_back({{"platform", m.platform}, {"email", m.email}, {"user_id", m.user_id},
                       {"grants", EncodeGrants(m.grants)}, {"retired", m.retired},
                       {"first_managed", m.first_managed}, {"last_seen", m.last_seen},
                       {"last_asserted", m.last_asserted}});
  }
  return {journal.dump(), managed.dump()};
}

}  // namespace

Status PostgresStore::RecordAdopts(int64_t run_id, const std::vector<Adoption>& adoptions,
                                   int64_t now) {
  if (adoptions.empty()) return OkStatus();
  if (Status s = CheckAdoptions(adoptions, name_); !s.ok()) return s;
  std::set<std::string> platforms;
  for (const Adoption& a : adoptions) platforms.insert(a.action->platform);
  const std::string what = "record " + Int(static_cast<int64_t>(adoptions.size())) +
                           " adopt(s) on " + adoptions.front().action->platform;
  return Locked(what, [&]() -> Status {
    PgTransaction tx(*conn_);
    // Committed at the journal's synchronous_commit, like JournalBegin's row.
    conn_->Exec("SELECT set_config('synchronous_commit', $1, true)", {journal_commit_});
    for (const std::string& platform : platforms) {
      // Fenced like JournalBegin: the advisory lock is the session's, so holding it at
      // the start of the transaction means holding it until the commit (or the session,
      // and with it the transaction, is gone).
      if (fenced_.count(platform) && (held_.count(platform) == 0 || !OwnsLock(platform)))
        return FailedPrecondition(name_ + ": " + what + ": leadership (lock) of platform " +
                                  platform + " lost");
    }
    for (std::size_t begin = 0; begin < adoptions.size(); begin += kAdoptChunk) {
      const auto rows = AdoptRows(adoptions, begin, std::min(adoptions.size(), begin + kAdoptChunk));
      conn_->Exec(
          "INSERT INTO journal (run_id, platform, email, action, payload, status, attempts, "
          "created_at, updated_at) SELECT $1::bigint, x.platform, x.email, 'adopt', x.payload, "
          "'succeeded', 0, $2::bigint, $2::bigint FROM jsonb_array_elements($3::jsonb) "
          "WITH ORDINALITY AS e(value, n), "
          "jsonb_to_record(e.value) AS x(platform text, email text, payload text) ORDER BY e.n",
          {RunId(run_id), Int(now), rows.first});
      conn_->Exec(
          "INSERT INTO managed_accounts (platform, email, user_id, grants, retired, "
          "first_managed, last_seen, last_asserted) SELECT x.platform, x.email, x.user_id, "
          "x.grants, x.retired, x.first_managed, x.last_seen, x.last_asserted "
          "FROM jsonb_to_recordset($1::jsonb) AS x(platform text, email text, user_id text, "
          "grants text, retired boolean, first_managed bigint, last_seen bigint, "
          "last_asserted bigint) "
          "ON CONFLICT (platform, email) DO UPDATE SET user_id = EXCLUDED.user_id, "
          "grants = EXCLUDED.grants, retired = EXCLUDED.retired, "
          "first_managed = EXCLUDED.first_managed, last_seen = EXCLUDED.last_seen, "
          "last_asserted = EXCLUDED.last_asserted",
          {rows.second});
    }
    tx.Commit();
    return OkStatus();
  });
}

StatusOr<std::vector<JournalEntry>> PostgresStore::PendingEntries(const std::string& platform) {
  return Locked("pending journal entries", [&]() -> StatusOr<std::vector<JournalEntry>> {
    PgResult r = conn_->Exec(std::string(kSelectJournal) +
                                 "WHERE status = 'pending' AND ($1 = '' OR platform = $1) "
                                 "ORDER BY id",
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
