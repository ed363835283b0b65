// How state/ writes grants and actions as JSON text (SPEC §6). The grants shape is the
// one reconcile/grants_json.h uses: {"single": "...", "scoped": {...}, "set": [...]},
// empty parts omitted, so {} is no grants.
//
// The journal payload is an Action without platform and email (those are columns):
//   {"verb":"grant","user_id":"u1","before":{...},"after":{...},"profile":{...},
//    "reason":"...","disposition":"apply","drift":false}
// Actions carry no secret, so neither does the payload. Functions are pure; no throw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/grants.h"
#include "core/status.h"
#include "core/users.h"
#include "reconcile/plan.h"
#include "state/store.h"

namespace idsync {

std::string EncodeGrants(const Grants& grants);
// kInvalidArgument naming what is wrong when `json` is not that shape ("stored grants:
// " and nlohmann's message). Read without a JSON tree (codec_grants.cc). Unknown keys
// are ignored; a repeated key counts as its last occurrence.
StatusOr<Grants> DecodeGrants(std::string_view json);
// The same into `grants`, which is left as it was on an error.
Status DecodeGrantsInto(std::string_view json, Grants& grants);

// The columns of one managed_accounts row as a backend reads them. The texts are borrowed from the
// backend's result: valid only until its next row.
struct ManagedColumns {
  std::string_view email, user_id, grants;
  bool retired = false;
  int64_t first_managed = 0, last_seen = 0, last_asserted = 0;
};
// Adds the record a row stores to `accounts` (one platform's): the one place a
// ManagedRecord is filled from stored columns, for both backends. Its grants'
// DecodeGrants error (nothing added) when they are not the stored shape. Rows given in
// email order cost no search (each goes at the end of the map).
Status AddManagedRow(const ManagedColumns& row, ManagedAccounts& accounts);

// A snapshot's time and listing text (parameter 1: the platform), the same SQL on both
// backends; and the text Store::Snapshot makes of them: the listing (a JSON object) with
// "taken_at":N as its first member, built in one string.
extern const char* const kSelectSnapshot;
std::string SnapshotWithTime(int64_t taken_at, std::string_view listing);

// The verb as the journal's `action` column stores it ("invite", ...).
const char* StoredVerbName(Verb verb);

std::string EncodeActionPayload(const Action& action);
// The Action a journal row recorded; platform and email come from the row.
StatusOr<Action> DecodeActionPayload(const std::string& platform, const std::string& email,
                                     const std::string& payload);

// RecordAdopts' argument check, shared by both backends: kInvalidArgument
// "NAME: record adopts: P/E is a VERB" for an action that is not an adopt (or missing).
Status CheckAdoptions(const std::vector<Adoption>& adoptions, const std::string& name);
// JournalRecord(All)'s argument check, shared by both backends: kInvalidArgument for a
// record without an action or a pending one ("NAME: journal record of P/E: ...").
Status CheckRecords(const std::vector<ActionRecord>& records, const std::string& name);
// What JournalRecordAll does, for its lock and error messages: "journal deferred
// invite P/E" for one record, "journal N deferred or held action(s)" for more.
// REQUIRES: CheckRecords(records) passed and records is not empty.
std::string DescribeRecords(const std::vector<ActionRecord>& records);

}  // namespace idsync
