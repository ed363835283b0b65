#include "state/codec.h"

#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "reconcile/grants_json.h"
#include "state/store.h"

namespace idsync {
namespace {

using nlohmann::json;

// Throws nlohmann::json::exception on a wrong type; callers catch.
Grants GrantsFromValue(const json& in) {
  if (!in.is_object()) throw std::invalid_argument("grants are not a JSON object");
  Grants grants;
  if (auto it = in.find("single"); it != in.end()) grants.single = it->get<std::string>();
  if (auto it = in.find("scoped"); it != in.end()) {
    grants.scoped = it->get<std::map<std::string, std::string>>();
  }
  if (auto it = in.find("set"); it != in.end()) grants.set = it->get<std::set<std::string>>();
  return grants;
}

std::optional<std::string> OptionalString(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

Profile ProfileFromValue(const json& in) {
  Profile p;
  p.email_as_written = OptionalString(in, "email_as_written").value_or("");
  p.name = OptionalString(in, "name");
  p.given_name = OptionalString(in, "given_name");
  p.family_name = OptionalString(in, "family_name");
  p.external_id = OptionalString(in, "external_id");
  return p;
}

// Grants as {"scoped":{...},"set":[...],"single":"..."}, empty parts omitted
// (keys in the order a nlohmann::json object sorts them).
void AppendGrants(std::string& out, const Grants& grants) {
  char sep = '{';
  if (!grants.scoped.empty()) {
    out += sep;
    sep = ',';
    out += "\"scoped\":";
    char inner = '{';
    for (const auto& [key, value] : grants.scoped) {
      out += inner;
      inner = ',';
      AppendJsonString(out, key);
      out += ':';
      AppendJsonString(out, value);
    }
    out += '}';
  }
  if (!grants.set.empty()) {
    out += sep;
    sep = ',';
    out += "\"set\":";
    char inner = '[';
    for (const std::string& value : grants.set) {
      out += inner;
      inner = ',';
      AppendJsonString(out, value);
    }
    out += ']';
  }
  if (grants.single) {
    out += sep;
    sep = ',';
    out += "\"single\":";
    AppendJsonString(out, *grants.single);
  }
  out += sep == '{' ? "{}" : "}";
}

}  // namespace

const char* const kSelectSnapshot =
    "SELECT s.taken_at, l.json FROM snapshots s JOIN snapshot_listings l ON l.platform = s.platform "
    "WHERE s.platform = $1";

std::string SnapshotWithTime(int64_t taken_at, std::string_view listing) {
  static constexpr std::string_view kHead = "{\"taken_at\":";
  if (listing.empty() || listing.front() != '{') return std::string(listing);  // not an object
  const std::string time = std::to_string(taken_at);
  const std::string_view members = listing.substr(1);  // after the '{'
  const std::size_t first = members.find_first_not_of(" \t\r\n");
  const bool empty = first != std::string_view::npos && members[first] == '}';
  std::string out;
  out.reserve(kHead.size() + time.size() + 1 + members.size());
  out += kHead;
  out += time;
  if (!empty) out += ',';
  out += members;
  return out;
}

// The stored words are VerbName's and DispositionName's (reconcile/plan.cc), one list.
// tests/state/codec_test.cc pins every stored word, so renaming a display name fails a
// test instead of silently changing what is on disk.
const char* StoredVerbName(Verb verb) { return VerbName(verb); }

const char* JournalStatusName(JournalStatus s) {
  switch (s) {
    case JournalStatus::kPending: return "pending";
    case JournalStatus::kSucceeded: return "succeeded";
    case JournalStatus::kFailed: return "failed";
    case JournalStatus::kDeferred: return "deferred";
    case JournalStatus::kHeld: return "held";
  }
  return "unknown";
}

std::optional<JournalStatus> ParseJournalStatus(const std::string& name) {
  for (JournalStatus s : {JournalStatus::kPending, JournalStatus::kSucceeded, JournalStatus::kFailed,
                          JournalStatus::kDeferred, JournalStatus::kHeld})
    if (name == JournalStatusName(s)) return s;
  return std::nullopt;
}

std::string EncodeGrants(const Grants& grants) {
  std::string out;
  AppendGrants(out, grants);
  return out;
}

// Written straight into the text, byte for byte what dumping the same object as a
// nlohmann::json tree gives (keys sorted, empty grant parts and profile omitted): 100,000
// adopts were a JSON tree each. tests/state/codec_test.cc compares the two.
std::string EncodeActionPayload(const Action& a) {
  std::string out;
  out.reserve(256);
  out += "{\"after\":";
  AppendGrants(out, a.after);
  out += ",\"before\":";
  AppendGrants(out, a.before);
  out += ",\"disposition\":";
  AppendJsonString(out, DispositionName(a.disposition));
  out += ",\"drift\":";
  out += a.drift ? "true" : "false";
  const Profile& p = a.profile;
  if (!p.email_as_written.empty() || p.name || p.given_name || p.family_name || p.external_id) {
    out += ",\"profile\":";
    char sep = '{';
    auto field = [&](const char* key, const std::string& value) {
      out += sep;
      sep = ',';
      AppendJsonString(out, key);
      out += ':';
      AppendJsonString(out, value);
    };
    if (!p.email_as_written.empty()) field("email_as_written", p.email_as_written);
    if (p.external_id) field("external_id", *p.external_id);
    if (p.family_name) field("family_name", *p.family_name);
    if (p.given_name) field("given_name", *p.given_name);
    if (p.name) field("name", *p.name);
    out += '}';
  }
  out += ",\"reason\":";
  AppendJsonString(out, a.reason);
  out += ",\"user_id\":";
  AppendJsonString(out, a.user_id);
  out += ",\"verb\":";
  AppendJsonString(out, VerbName(a.verb));
  out += '}';
  return out;
}

StatusOr<Action> DecodeActionPayload(const std::string& platform, const std::string& email,
                                     const std::string& payload) {
  try {
    const json in = json::parse(payload);
    Action a;
    a.platform = platform;
    a.email = email;
    const std::string verb = in.at("verb").get<std::string>();
    std::optional<Verb> parsed_verb = ParseVerb(verb);
    if (!parsed_verb) return InvalidArgument("journal payload: unknown verb \"" + verb + "\"");
    a.verb = *parsed_verb;
    a.user_id = in.value("user_id", "");
    if (auto it = in.find("before"); it != in.end()) a.before = GrantsFromValue(*it);
    if (auto it = in.find("after"); it != in.end()) a.after = GrantsFromValue(*it);
    if (auto it = in.find("profile"); it != in.end()) a.profile = ProfileFromValue(*it);
    a.reason = in.value("reason", "");
    const std::string disposition = in.value("disposition", "apply");
    std::optional<Disposition> parsed = ParseDisposition(disposition);
    if (!parsed) {
      return InvalidArgument("journal payload: unknown disposition \"" + disposition + "\"");
    }
    a.disposition = *parsed;
    a.drift = in.value("drift", false);
    return a;
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("journal payload: ") + e.what());
  }
}

Status CheckAdoptions(const std::vector<Adoption>& adoptions, const std::string& name) {
  for (const Adoption& a : adoptions) {
    if (a.action == nullptr) return InvalidArgument(name + ": record adopts: an adoption without an action");
    if (a.action->verb != Verb::kAdopt)
      return InvalidArgument(name + ": record adopts: " + a.action->platform + "/" + a.action->email +
                             " is a " + StoredVerbName(a.action->verb));
  }
  return OkStatus();
}

Status CheckRecords(const std::vector<ActionRecord>& records, const std::string& name) {
  for (const ActionRecord& r : records) {
    if (r.action == nullptr) return InvalidArgument(name + ": journal record without an action");
    if (r.status == JournalStatus::kPending) {
      // A pending row means "request maybe sent"; recovery would act on it.
      return InvalidArgument(name + ": journal record of " + r.action->platform + "/" + r.action->email +
                             ": a record without a request cannot be pending (use JournalBegin)");
    }
  }
  return OkStatus();
}

std::string DescribeRecords(const std::vector<ActionRecord>& records) {
  const ActionRecord& first = records.front();
  if (records.size() > 1) return "journal " + std::to_string(records.size()) + " deferred or held action(s)";
  return std::string("journal ") + JournalStatusName(first.status) + " " + StoredVerbName(first.action->verb) +
         " " + first.action->platform + "/" + first.action->email;
}

}  // namespace idsync
