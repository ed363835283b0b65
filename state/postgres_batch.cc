// PostgresStore: the writes of many rows in one transaction (adopts, deferred and held
// actions, managed accounts). Rows go to the server as one bound JSON parameter per
// statement, kChunk rows each, never spliced into SQL: 100,000 rows are a few dozen
// round trips inside the one transaction, not 100,000.
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "state/codec.h"
#include "state/postgres_store.h"

namespace idsync {
namespace {

constexpr std::size_t kChunk = 2000;

std::string Int(int64_t v) { return std::to_string(v); }

// A run id, 0 meaning "no run" (NULL, so the foreign key holds).
PgParam RunId(int64_t run_id) { return run_id == 0 ? PgParam() : PgParam(Int(run_id)); }

// Calls body(begin, end) for each chunk of [0, n).
template <typename Body>
void Chunked(std::size_t n, Body&& body) {
  for (std::size_t begin = 0; begin < n; begin += kChunk) body(begin, std::min(n, begin + kChunk));
}

// Inserts or replaces managed accounts given as a JSON array of their columns. The
// array must not name an account twice (ON CONFLICT cannot update a row twice).
void UpsertManaged(PgConn& conn, const std::string& rows) {
  conn.Exec(
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
      {rows});
}

nlohmann::json ManagedRow(const ManagedAccount& m) {
  return {{"platform", m.platform}, {"email", m.email}, {"user_id", m.user_id},
          {"grants", EncodeGrants(m.grants)}, {"retired", m.retired},
          {"first_managed", m.first_managed}, {"last_seen", m.last_seen},
          {"last_asserted", m.last_asserted}};
}

// Inserts journal rows (attempts 0) given as a JSON array of {platform, email, action,
// payload, status}, in the array's order (ids ascending in it).
void InsertJournalRows(PgConn& conn, int64_t run_id, int64_t now, const std::string& rows) {
  conn.Exec(
      "INSERT INTO journal (run_id, platform, email, action, payload, status, attempts, "
      "created_at, updated_at) SELECT $1::bigint, x.platform, x.email, x.action, x.payload, "
      "x.status, 0, $2::bigint, $2::bigint FROM jsonb_array_elements($3::jsonb) "
      "WITH ORDINALITY AS e(value, n), jsonb_to_record(e.value) AS x(platform text, "
      "email text, action text, payload text, status text) ORDER BY e.n",
      {RunId(run_id), Int(now), rows});
}

using UserKey = std::pair<std::string, std::string>;  // platform, email

// The newest journal row of each user in `keys`: id, action, payload, status.
struct NewestRow {
  std::string id, action, payload, status;
};
std::map<UserKey, NewestRow> NewestRows(PgConn& conn, const std::vector<UserKey>& keys) {
  std::map<UserKey, NewestRow> newest;
  Chunked(keys.size(), [&](std::size_t begin, std::size_t end) {
    nlohmann::json users = nlohmann::json::array();
    for (std::size_t i = begin; i < end; ++i)
      users.push_back({{"platform", keys[i].first}, {"email", keys[i].second}});
    PgResult r = conn.Exec(
        "SELECT x.platform, x.email, l.id, l.action, l.payload, l.status "
        "FROM jsonb_to_recordset($1::jsonb) AS x(platform text, email text) "
        "CROSS JOIN LATERAL (SELECT id, action, payload, status FROM journal j "
        "WHERE j.platform = x.platform AND j.email = x.email ORDER BY id DESC LIMIT 1) l",
        {users.dump()});
    for (int row = 0; row < r.rows(); ++row)
      newest[{r.text(row, 0), r.text(row, 1)}] = {r.text(row, 2), r.text(row, 3), r.text(row, 4),
                                                   r.text(row, 5)};
  });
  return newest;
}

// JournalRecordAll's decision, as one JournalRecord per record would make it: each
// record is compared with the user's newest row as the records before it left it (the
// stored newest row for a user's first record, the user's previous record after that);
// the same action with the same status refreshes that row (its id goes to `refresh`,
// or nothing when it is the previous record's, just written) instead of adding one
// (its row goes to `insert`, in order).
void SplitRecords(const std::vector<ActionRecord>& records, const std::vector<std::string>& payloads,
                  const std::map<UserKey, NewestRow>& newest, nlohmann::json& refresh,
                  nlohmann::json& insert) {
  refresh = nlohmann::json::array();
  insert = nlohmann::json::array();
  std::map<UserKey, std::size_t> previous;  // the user's previous record in the batch
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Action& a = *records[i].action;
    const char* status = JournalStatusName(records[i].status);
    const UserKey key{a.platform, a.email};
    auto p = previous.find(key);
    if (p != previous.end()) {
      const ActionRecord& before = records[p->second];
      const bool same = before.action->verb == a.verb && payloads[p->second] == payloads[i] &&
                        before.status == records[i].status;
      p->second = i;
      if (same) continue;
    } else {
      previous.emplace(key, i);
      auto n = newest.find(key);
      if (n != newest.end() && n->second.action == StoredVerbName(a.verb) &&
          n->second.payload == payloads[i] && n->second.status == status) {
        refresh.push_back(n->second.id);
        continue;
      }
    }
    insert.push_back({{"platform", a.platform}, {"email", a.email}, {"action", StoredVerbName(a.verb)},
                      {"payload", payloads[i]}, {"status", status}});
  }
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
    Chunked(adoptions.size(), [&](std::size_t begin, std::size_t end) {
      nlohmann::json journal = nlohmann::json::array(), managed = nlohmann::json::array();
      for (std::size_t i = begin; i < end; ++i) {
        const Action& a = *adoptions[i].action;
        journal.push_back({{"platform", a.platform}, {"email", a.email}, {"action", StoredVerbName(a.verb)},
                           {"payload", EncodeActionPayload(a)}, {"status", "succeeded"}});
        managed.push_back(ManagedRow(adoptions[i].account));
      }
      InsertJournalRows(*conn_, run_id, now, journal.dump());
      UpsertManaged(*conn_, managed.dump());
    });
    tx.Commit();
    return OkStatus();
  });
}

Status PostgresStore::PutManagedAll(const std::vector<ManagedAccount>& accounts) {
  if (accounts.empty()) return OkStatus();
  // In order, a later one for the same account wins: only the last of each is sent.
  std::map<UserKey, std::size_t> last;
  for (std::size_t i = 0; i < accounts.size(); ++i) last[{accounts[i].platform, accounts[i].email}] = i;
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < accounts.size(); ++i)
    if (last.at({accounts[i].platform, accounts[i].email}) == i) kept.push_back(i);
  return Locked("store " + Int(static_cast<int64_t>(accounts.size())) + " managed account(s)",
                [&]() -> Status {
                  PgTransaction tx(*conn_);
                  Chunked(kept.size(), [&](std::size_t begin, std::size_t end) {
                    nlohmann::json rows = nlohmann::json::array();
                    for (std::size_t i = begin; i < end; ++i) rows.push_back(ManagedRow(accounts[kept[i]]));
                    UpsertManaged(*conn_, rows.dump());
                  });
                  tx.Commit();
                  return OkStatus();
                });
}

Status PostgresStore::ForgetManagedAll(const std::string& platform,
                                       const std::vector<std::string>& emails) {
  if (emails.empty()) return OkStatus();
  return Locked("forget " + Int(static_cast<int64_t>(emails.size())) + " managed account(s) of " + platform,
                [&]() -> Status {
                  PgTransaction tx(*conn_);
                  Chunked(emails.size(), [&](std::size_t begin, std::size_t end) {
                    nlohmann::json chunk = nlohmann::json::array();
                    for (std::size_t i = begin; i < end; ++i) chunk.push_back(emails[i]);
                    conn_->Exec(
                        "DELETE FROM managed_accounts WHERE platform = $1 AND email IN "
                        "(SELECT jsonb_array_elements_text($2::jsonb))",
                        {platform, chunk.dump()});
                  });
                  tx.Commit();
                  return OkStatus();
                });
}

Status PostgresStore::JournalRecordAll(int64_t run_id, const std::vector<ActionRecord>& records,
                                       int64_t now) {
  if (records.empty()) return OkStatus();
  if (Status s = CheckRecords(records, name_); !s.ok()) return s;
  const std::string what = DescribeRecords(records);
  std::vector<std::string> payloads;
  std::vector<UserKey> users;  // each once, in order of first record
  std::set<UserKey> seen;
  for (const ActionRecord& r : records) {
    payloads.push_back(EncodeActionPayload(*r.action));
    if (seen.insert({r.action->platform, r.action->email}).second)
      users.push_back({r.action->platform, r.action->email});
  }
  return Locked(what, [&]() -> Status {
    PgTransaction tx(*conn_);
    nlohmann::json refresh, insert;
    SplitRecords(records, payloads, NewestRows(*conn_, users), refresh, insert);
    if (!refresh.empty())
      conn_->Exec("UPDATE journal SET run_id = $1, updated_at = $2 WHERE id IN "
                  "(SELECT jsonb_array_elements_text($3::jsonb)::bigint)",
                  {RunId(run_id), Int(now), refresh.dump()});
    Chunked(insert.size(), [&](std::size_t begin, std::size_t end) {
      nlohmann::json chunk = nlohmann::json::array();
      for (std::size_t i = begin; i < end; ++i) chunk.push_back(std::move(insert[i]));
      InsertJournalRows(*conn_, run_id, now, chunk.dump());
    });
    tx.Commit();
    return OkStatus();
  });
}

}  // namespace idsync
