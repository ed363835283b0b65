// SqliteStore: the action journal (SPEC §3 "journal before the request").
#include <algorithm>
#include <optional>
#include <utility>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "state/codec.h"
#include "state/sqlite_store.h"

namespace idsync {
namespace {

constexpr const char* kSelectJournal =
    "SELECT id, run_id, platform, email, action, payload, status, attempts, error, "
    "created_at, updated_at FROM journal ";

// Reads the current row of a statement built on kSelectJournal.
StatusOr<JournalEntry> ReadJournalRow(SQLite::Statement& st) {
  JournalEntry e;
  e.id = st.getColumn(0).getInt64();
  e.run_id = st.getColumn(1).getInt64();  // NULL (no run) reads as 0
  e.platform = st.getColumn(2).getString();
  e.email = st.getColumn(3).getString();
  e.action = st.getColumn(4).getString();
  e.payload = st.getColumn(5).getString();
  const std::string status = st.getColumn(6).getString();
  std::optional<JournalStatus> parsed = ParseJournalStatus(status);
  if (!parsed) {
    return Internal("journal entry " + std::to_string(e.id) + " has unknown status \"" +
                    status + "\"");
  }
  e.status = *parsed;
  e.attempts = st.getColumn(7).getInt();
  e.error = st.getColumn(8).getString();
  e.created_at = st.getColumn(9).getInt64();
  e.updated_at = st.getColumn(10).getInt64();
  return e;
}

StatusOr<std::vector<JournalEntry>> ReadJournalRows(SQLite::Statement& st,
                                                    const std::string& path) {
  std::vector<JournalEntry> entries;
  while (st.executeStep()) {
    StatusOr<JournalEntry> e = ReadJournalRow(st);
    if (!e.ok()) return e.status().WithContext("state DB " + path);
    entries.push_back(std::move(*e));
  }
  return entries;
}

// Rows per statement of RecordAdopts: 64 x 9 parameters stays far below SQLite's limit.
constexpr std::size_t kRowsPerInsert = 64;

// `insert` ("INSERT ... VALUES (?, ..., ?)", `columns` parameters) with `rows` rows.
std::string MultiRow(const char* insert, int columns, std::size_t rows) {
  std::string row = "(";
  for (int c = 0; c < columns; ++c) row += c == 0 ? "?" : ", ?";
  row += ")";
  std::string sql = insert;
  sql.resize(sql.rfind(" VALUES ") + 8);
  for (std::size_t r = 0; r < rows; ++r) sql += (r == 0 ? "" : ", ") + row;
  return sql;
}

}  // namespace

const char* const SqliteStore::kInsertJournal =
    "INSERT INTO journal (run_id, platform, email, action, payload, status, attempts, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

void SqliteStore::BindJournal(SQLite::Statement& st, int64_t run_id, const Action& action,
                              JournalStatus status, int attempts, int64_t now, int first,
                              std::vector<std::string>* keep) {
  BindRunId(st, first, run_id);
  BindText(st, first + 1, action.platform, keep);
  BindText(st, first + 2, action.email, keep);
  st.bindNoCopy(first + 3, StoredVerbName(action.verb));  // static text
  if (keep) {
    BindText(st, first + 4, keep->emplace_back(EncodeActionPayload(action)), keep);
  } else {
    st.bind(first + 4, EncodeActionPayload(action));
  }
  st.bindNoCopy(first + 5, JournalStatusName(status));  // static text
  st.bind(first + 6, attempts);
  st.bind(first + 7, now);
  st.bind(first + 8, now);
}

int64_t SqliteStore::InsertJournal(int64_t run_id, const Action& action,
                                   JournalStatus status, int attempts, int64_t now) {
  SQLite::Statement st(db_, kInsertJournal);
  BindJournal(st, run_id, action, status, attempts, now);
  st.exec();
  return db_.getLastInsertRowid();
}

StatusOr<int64_t> SqliteStore::JournalBegin(int64_t run_id, const Action& action,
                                            int64_t now) {
  const std::string what = std::string("journal ") + StoredVerbName(action.verb) + " " +
                           action.platform + "/" + action.email;
  uint64_t commit = 0;
  StatusOr<int64_t> id = Locked(what, [&]() -> StatusOr<int64_t> {
    int64_t row = InsertJournal(run_id, action, JournalStatus::kPending, 1, now);
    commit = ++commits_;
    return row;
  });
  if (!id.ok()) return id;
  // On disk before the caller sends the request (shared with concurrent begins).
  if (Status synced = SyncWal(commit); !synced.ok()) return synced.WithContext(what);
  return id;
}

Status SqliteStore::JournalFinish(int64_t entry_id, JournalStatus status,
                                  const std::string& error, int attempts, int64_t now) {
  return Locked("finish journal entry " + std::to_string(entry_id), [&]() -> Status {
    SQLite::Statement st(db_,
                         "UPDATE journal SET status = ?, error = ?, attempts = ?, updated_at = ? "
                         "WHERE id = ?");
    st.bind(1, JournalStatusName(status));
    st.bind(2, error);
    st.bind(3, attempts);
    st.bind(4, now);
    st.bind(5, entry_id);
    if (st.exec() == 0) {
      return NotFound("state DB " + path_ + ": no journal entry " + std::to_string(entry_id));
    }
    return OkStatus();
  });
}

Status SqliteStore::JournalRecord(int64_t run_id, const Action& action, JournalStatus status,
                                  int64_t now) {
  return JournalRecordAll(run_id, {{&action, status}}, now);
}

Status SqliteStore::JournalRecordAll(int64_t run_id, const std::vector<ActionRecord>& records,
                                     int64_t now) {
  if (records.empty()) return OkStatus();
  if (Status s = CheckRecords(records, "state DB " + path_); !s.ok()) return s;
  const std::string what = DescribeRecords(records);
  return Locked(what, [&]() -> Status {
    // One transaction, three statements prepared once. The same deferred or held action
    // as this user's newest row on the platform is refreshed, not written again: a
    // daemon would otherwise add a row every interval.
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement last(db_,
                           "SELECT id, action, payload, status FROM journal "
                           "WHERE platform = ? AND email = ? ORDER BY id DESC LIMIT 1");
    SQLite::Statement refresh(db_, "UPDATE journal SET run_id = ?, updated_at = ? WHERE id = ?");
    SQLite::Statement insert(db_, kInsertJournal);
    for (const ActionRecord& r : records) {
      const Action& action = *r.action;
      const std::string payload = EncodeActionPayload(action);
      last.bind(1, action.platform);
      last.bind(2, action.email);
      if (last.executeStep() && last.getColumn(1).getString() == StoredVerbName(action.verb) &&
          last.getColumn(2).getString() == payload &&
          last.getColumn(3).getString() == JournalStatusName(r.status)) {
        BindRunId(refresh, 1, run_id);
        refresh.bind(2, now);
        refresh.bind(3, last.getColumn(0).getInt64());
        refresh.exec();
        refresh.reset();
      } else {
        BindJournal(insert, run_id, action, r.status, 0, now);
        insert.exec();
        insert.reset();
      }
      last.reset();
    }
    tx.commit();
    return OkStatus();
  });
}

Status SqliteStore::RecordAdopts(int64_t run_id, const std::vector<Adoption>& adoptions,
                                 int64_t now) {
  if (adoptions.empty()) return OkStatus();
  if (Status s = CheckAdoptions(adoptions, "state DB " + path_); !s.ok()) return s;
  const std::string what = "record " + std::to_string(adoptions.size()) + " adopt(s) on " +
                           adoptions.front().action->platform;
  uint64_t commit = 0;
  Status recorded = Locked(what, [&]() -> Status {
    // One transaction; kRowsPerInsert rows per statement execution, so the per-statement
    // work (the AUTOINCREMENT counter, cursors, halting) is paid once per chunk: 100,000
    // adopts are one commit and a few thousand statement steps.
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    const std::size_t n = adoptions.size();
    const std::size_t full = std::min<std::size_t>(n, kRowsPerInsert);
    SQLite::Statement journal(db_, MultiRow(kInsertJournal, 9, full));
    SQLite::Statement managed(db_, MultiRow(kPutManaged, 8, full));
    for (std::size_t begin = 0; begin < n; begin += full) {
      const std::size_t rows = std::min(full, n - begin);
      std::optional<SQLite::Statement> tail_journal, tail_managed;  // the last, shorter chunk
      if (rows < full) {
        tail_journal.emplace(db_, MultiRow(kInsertJournal, 9, rows));
        tail_managed.emplace(db_, MultiRow(kPutManaged, 8, rows));
      }
      SQLite::Statement& j = tail_journal ? *tail_journal : journal;
      SQLite::Statement& m = tail_managed ? *tail_managed : managed;
      // Texts bound without a copy: the adoptions outlive the chunk, and the encoded
      // payloads and grants stay in `texts` (reserved, so never moved) until it ran.
      std::vector<std::string> texts;
      texts.reserve(2 * rows);
      for (std::size_t i = 0; i < rows; ++i) {
        const Adoption& a = adoptions[begin + i];
        BindJournal(j, run_id, *a.action, JournalStatus::kSucceeded, 0, now, static_cast<int>(i * 9 + 1),
                    &texts);
        BindManaged(m, a.account, static_cast<int>(i * 8 + 1), &texts);
      }
      j.exec();
      j.reset();
      m.exec();
      m.reset();
    }
    tx.commit();
    commit = ++commits_;
    return OkStatus();
  });
  if (!recorded.ok()) return recorded;
  return SyncWal(commit).WithContext(what);
}

StatusOr<std::vector<JournalEntry>> SqliteStore::PendingEntries(const std::string& platform) {
  return Locked("pending journal entries", [&]() -> StatusOr<std::vector<JournalEntry>> {
    // One platform's through the (platform, status) index; `?1 = '' OR` made every
    // reconcile scan the whole journal (100,000 rows after an adopt of 100,000).
    SQLite::Statement st(db_, std::string(kSelectJournal) +
                                  (platform.empty() ? "WHERE status = 'pending' ORDER BY id"
                                                    : "WHERE platform = ?1 AND status = 'pending' ORDER BY id"));
    if (!platform.empty()) st.bind(1, platform);
    return ReadJournalRows(st, path_);
  });
}

StatusOr<std::vector<JournalEntry>> SqliteStore::History(const HistoryQuery& query) {
  return Locked("history", [&]() -> StatusOr<std::vector<JournalEntry>> {
    SQLite::Statement st(db_, std::string(kSelectJournal) +
                                  "WHERE (?1 IS NULL OR email = ?1) "
                                  "AND (?2 IS NULL OR platform = ?2) "
                                  "ORDER BY id DESC LIMIT ?3");
    if (query.email) {
      st.bind(1, *query.email);
    } else {
      st.bind(1);
    }
    if (query.platform) {
      st.bind(2, *query.platform);
    } else {
      st.bind(2);
    }
    st.bind(3, static_cast<int64_t>(query.limit > 0 ? query.limit : -1));
    return ReadJournalRows(st, path_);
  });
}

}  // namespace idsync
