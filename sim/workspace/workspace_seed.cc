#include "sim/workspace/workspace_seed.h"

#include <string_view>
#include <variant>

#include "sim/seed.h"

namespace idsync::sim {
namespace {

std::string ReadUser(const YAML::Node& node, const std::string& where, const gql::Schema& schema, WorkspaceUser* out) {
  if (std::string e = CheckKeys(node, where, {"email", "name", "accountType", "uid"}); !e.empty()) return e;
  std::string error;
  auto email = ScalarAt(node, "email", where, &error);
  auto name = ScalarAt(node, "name", where, &error);
  auto type = ScalarAt(node, "accountType", where, &error);
  auto uid = ScalarAt(node, "uid", where, &error);
  if (!error.empty()) return error;
  if (!email) return SeedError(node, "seed: " + where + ": email is required");
  if (!type || !IsAccountType(schema, *type)) {
    return SeedError(node, "seed: " + where + ": accountType must be a UserAccountType value, got \"" +
                               type.value_or("") + "\"");
  }
  if (uid && (uid->size() != 64 || uid->find_first_not_of("0123456789abcdef") != std::string::npos)) {
    return SeedError(node, "seed: " + where + ": uid must be 64 lowercase hex characters");
  }
  *out = WorkspaceUser{uid.value_or(""), *email, name, *type};
  return "";
}

std::string ReadInvitation(const YAML::Node& node, const std::string& where, const gql::Schema& schema,
                           WorkspaceState* out) {
  if (std::string e = CheckKeys(node, where, {"email", "accountType", "inviteStatus"}); !e.empty()) return e;
  std::string error;
  auto email = ScalarAt(node, "email", where, &error);
  auto type = ScalarAt(node, "accountType", where, &error);
  auto status = ScalarAt(node, "inviteStatus", where, &error);
  if (!error.empty()) return error;
  if (!email) return SeedError(node, "seed: " + where + ": email is required");
  if (!type || !IsAccountType(schema, *type)) {
    return SeedError(node, "seed: " + where + ": accountType must be a UserAccountType value");
  }
  auto added = out->AddInvitation({*email, *type, status.value_or("SENT")});
  if (auto* refusal = std::get_if<Refusal>(&added)) return SeedError(node, "seed: " + where + ": " + refusal->message);
  return "";
}

std::string ReadCredentials(const YAML::Node& section, WorkspaceCredentials* out) {
  YAML::Node credentials = section["credentials"];
  if (!credentials) return SeedError(section, "seed: workspace.credentials { api_key, api_secret } is required");
  if (std::string e = CheckKeys(credentials, "workspace.credentials", {"api_key", "api_secret"}); !e.empty()) return e;
  std::string error;
  auto key = ScalarAt(credentials, "api_key", "workspace.credentials", &error);
  auto secret = ScalarAt(credentials, "api_secret", "workspace.credentials", &error);
  if (!error.empty()) return error;
  if (!key || !secret) return SeedError(credentials, "seed: workspace.credentials needs api_key and api_secret");
  *out = {*key, *secret};
  return "";
}

}  // namespace

bool IsAccountType(const gql::Schema& schema, const std::string& value) {
  return schema.Find("UserAccountType")->HasEnumValue(value);
}

std::string ReadWorkspaceSeed(const YAML::Node& section, const gql::Schema& schema, WorkspaceState* out,
                              WorkspaceCredentials* credentials) {
  if (std::string e = CheckKeys(section, "workspace", {"credentials", "users", "invitations", "disabled"}); !e.empty()) {
    return e;
  }
  if (std::string e = ReadCredentials(section, credentials); !e.empty()) return e;
  for (const char* list : {"users", "disabled", "invitations"}) {
    YAML::Node items = section[list];
    if (!items || items.IsNull()) continue;
    if (!items.IsSequence()) return SeedError(items, std::string("seed: workspace.") + list + " must be a list");
    for (size_t i = 0; i < items.size(); ++i) {
      std::string where = std::string("workspace.") + list + "[" + std::to_string(i) + "]";
      if (std::string_view(list) == "invitations") {
        if (std::string e = ReadInvitation(items[i], where, schema, out); !e.empty()) return e;
        continue;
      }
      WorkspaceUser user;
      if (std::string e = ReadUser(items[i], where, schema, &user); !e.empty()) return e;
      if (std::string_view(list) == "disabled") {
        out->AddDisabled(std::move(user));
        continue;
      }
      auto added = out->AddUser(std::move(user));
      if (auto* refusal = std::get_if<Refusal>(&added)) return SeedError(items[i], "seed: " + where + ": " + refusal->message);
    }
  }
  return "";
}

}  // namespace idsync::sim
