// OrgadminConnector::List and Resolve: live state assembled from groupUsers per managed
// group and findUserBy per user whose id is not known (see orgadmin_connector.h).
#include <spdlog/spdlog.h>

#include <set>

#include "connectors/orgadmin/orgadmin_connector.h"
#include "core/text.h"

namespace idsync {
namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A member of one or more managed groups, as groupUsers reported them.
struct SeenMember {
  std::string id;  // as the platform spells it
  LiveStatus status = LiveStatus::kActive;
  std::string raw_status;
  std::set<std::string> groups;  // as the manifest (and last applied) spell them
  std::optional<std::string> name;
};

LiveUser FromSeen(const std::string& key, const SeenMember& seen) {
  LiveUser u;
  u.id = seen.id;
  u.email = key;
  u.status = seen.status;
  u.raw_status = seen.raw_status;
  u.grants.set = seen.groups;
  u.name = seen.name;
  return u;
}

}  // namespace

struct OrgadminConnector::Listing {
  std::map<std::string, std::string> id_of;      // email -> user id
  std::map<std::string, SeenMember> seen;        // lower-case user id -> member
  std::set<std::string> claimed;                 // lower-case ids of desired/managed users
};

StatusOr<LiveState> OrgadminConnector::List(const ListContext& context) {
  static const DesiredUsers kNoDesired;
  static const ManagedAccounts kNoManaged;
  const DesiredUsers& desired = context.desired ? *context.desired : kNoDesired;
  const ManagedAccounts& managed = context.managed ? *context.managed : kNoManaged;
  std::map<std::string, std::string> known;
  {
    std::lock_guard lock(mu_);
    known = known_ids_;
    if (context.ids) {
      for (const auto& [email, id] : to_cache_) context.ids->Put(email, id);
      to_cache_.clear();
    }
  }

  Listing listing;
  // The id of `email`: recorded, cached, else looked up once and cached for good.
  auto identify = [&](const std::string& email, const std::string& recorded) -> Status {
    std::optional<std::string> id;
    if (!recorded.empty()) id = recorded;
    if (!id && context.ids) id = context.ids->Get(email);
    if (!id) {
      const auto it = known.find(email);
      if (it != known.end()) id = it->second;
    }
    if (!id) {
      StatusOr<std::optional<std::string>> found = api_.FindUser(email, What("find user", email));
      if (!found.ok()) return found.status();
      id = *found;
      if (id && context.ids) context.ids->Put(email, *id);
    }
    if (id) listing.id_of[email] = *id;
    return OkStatus();
  };
  for (const auto& [email, account] : managed) {
    if (Status s = identify(email, account.user_id); !s.ok()) return s;
  }
  for (const auto& [email, user] : desired) {
    if (managed.count(email)) continue;
    if (Status s = identify(email, ""); !s.ok()) return s;
  }
  for (const auto& [email, id] : listing.id_of) listing.claimed.insert(Lower(id));

  std::set<std::string> groups;
  for (const auto& [email, user] : desired) groups.insert(user.grants.set.begin(), user.grants.set.end());
  for (const auto& [email, account] : managed) {
    groups.insert(account.grants.set.begin(), account.grants.set.end());
  }

  LiveState state;
  state.complete = false;
  for (const std::string& group : groups) {
    auto members = api_.GroupUsers(group, What("list members of group " + group, ""));
    if (!members.ok()) return members.status();
    if (!*members) continue;  // not in the catalog: Resolve names it when it is desired
    state.catalog[group] = "";
    for (const OrgadminGroupMember& row : **members) {
      SeenMember& seen = listing.seen[Lower(row.user_id)];
      seen.id = row.user_id;
      seen.raw_status = row.status;
      seen.status = row.status == "retired" ? LiveStatus::kRetired : LiveStatus::kActive;
      if (row.status != "retired" && row.status != "active") {
        spdlog::warn("orgadmin {}: member {}: unknown status \"{}\" treated as active", instance_,
                     row.user_id, row.status);
      }
      seen.groups.insert(group);
      if (row.user_name) seen.name = row.user_name;
    }
  }

  // Managed accounts: members by definition; seen ones carry their real status.
  for (const auto& [email, account] : managed) {
    const auto id = listing.id_of.find(email);
    const auto seen = id == listing.id_of.end() ? listing.seen.end() : listing.seen.find(Lower(id->second));
    if (seen != listing.seen.end()) {
      state.users[email] = FromSeen(email, seen->second);
      continue;
    }
    LiveUser u;
    u.id = id == listing.id_of.end() ? "" : id->second;
    u.email = email;
    u.status = account.retired ? LiveStatus::kRetired : LiveStatus::kActive;
    u.raw_status = account.retired ? "retired (last applied)" : "active (last applied)";
    state.users[email] = std::move(u);
  }
  // Desired users idsync does not manage are members only when a group shows them.
  for (const auto& [email, user] : desired) {
    if (managed.count(email)) continue;
    const auto id = listing.id_of.find(email);
    if (id == listing.id_of.end()) continue;
    const auto seen = listing.seen.find(Lower(id->second));
    if (seen != listing.seen.end()) state.users[email] = FromSeen(email, seen->second);
  }
  // Everyone else in a managed group: unmanaged, known only by id and name.
  for (const auto& [lower_id, seen] : listing.seen) {
    if (listing.claimed.count(lower_id)) continue;
    const std::string key = "userId:" + seen.id;
    state.users[key] = FromSeen(key, seen);
  }

  std::lock_guard lock(mu_);
  for (const auto& [email, id] : listing.id_of) known_ids_[email] = id;
  return state;
}

StatusOr<Grants> OrgadminConnector::Resolve(const Grants& desired, const LiveState& live) {
  std::string missing;
  for (const std::string& group : desired.set) {
    if (!live.catalog.count(group)) missing += (missing.empty() ? "" : ", ") + group;
  }
  if (missing.empty()) return desired;
  std::string found;
  for (const auto& [group, unused] : live.catalog) found += (found.empty() ? "" : ", ") + group;
  return InvalidArgument("orgadmin " + instance_ + ": group not found in org " + api_.org() +
                         ": " + missing + " (groups found: " +
                         (found.empty() ? "none" : found) + ")");
}

}  // namespace idsync
