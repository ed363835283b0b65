#include "state/codec.h"

#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "state/store.h"

namespace idsync {
namespace {

using nlohmann::json;

json GrantsValue(const Grants& grants) {
  json out = json::object();
  if (grants.single) out["single"] = *grants.single;
  if (!grants.scoped.empty()) out["scoped"] = grants.scoped;
  if (!grants.set.empty()) out["set"] = grants.set;
  return out;
}

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

json ProfileValue(const Profile& p) {
  json out = json::object();
  if (!p.email_as_written.empty()) out["email_as_written"] = p.email_as_written;
  if (p.name) out["name"] = *p.name;
  if (p.given_name) out["given_name"] = *p.given_name;
  if (p.family_name) out["family_name"] = *p.family_name;
  if (p.external_id) out["external_id"] = *p.external_id;
  return out;
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

}  // namespace

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

std::string EncodeGrants(const Grants& grants) { return GrantsValue(grants).dump(); }

StatusOr<Grants> DecodeGrants(const std::string& text) {
  // The two shapes nearly every managed account has, read without a JSON tree: a
  // no-op reconcile decodes every managed account of the platform.
  if (text == "{}") return Grants{};
  static constexpr std::string_view kSingle = "{\"single\":\"";
  if (text.size() > kSingle.size() + 2 && text.compare(0, kSingle.size(), kSingle) == 0 &&
      text.compare(text.size() - 2, 2, "\"}") == 0) {
    const std::string_view value(text.data() + kSingle.size(), text.size() - kSingle.size() - 2);
    if (value.find_first_of("\"\\") == std::string_view::npos) {
      Grants grants;
      grants.single = std::string(value);
      return grants;
    }
  }
  try {
    return GrantsFromValue(json::parse(text));
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("stored grants: ") + e.what());
  }
}

std::string EncodeActionPayload(const Action& a) {
  json out = {
      {"verb", VerbName(a.verb)},
      {"user_id", a.user_id},
      {"before", GrantsValue(a.before)},
      {"after", GrantsValue(a.after)},
      {"reason", a.reason},
      {"disposition", DispositionName(a.disposition)},
      {"drift", a.drift},
  };
  json profile = ProfileValue(a.profile);
  if (!profile.empty()) out["profile"] = std::move(profile);
  return out.dump();
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

}  // namespace idsync
