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

LiveUser FromSeen(const SeenMember& seen) {
  LiveUser u;
  u.id = seen.id;
  u.status = seen.status;
  u.raw_status = seen.raw_status;
  u.grants.set = seen.groups;
  u.name = seen.name;
  return u;
}

}  // namespace

// List's working state. A member of OrgadminConnector, so it may use api_ and What().
struct OrgadminConnector::Listing {
  const DesiredUsers& desired;
  const ManagedAccounts& managed;
  UserIdCache* ids;                              // may be null
  std::map<std::string, std::string> known;      // email -> id, learnt before this listing
  std::map<std::string, std::string> id_of;      // email -> user id
  std::map<std::string, SeenMember> seen;        // lower-case user id -> member
  std::set<std::string> claimed;                 // lower-case ids of desired/managed users

  // Fills id_of for every managed and desired user, then claimed.
  Status IdentifyAll(const OrgadminConnector& connector);
  // The id of `email`: recorded, cached, else looked up once and cached for good.
  Status Identify(const OrgadminConnector& connector, const std::string& email, const std::string& recorded);
  // Reads groupUsers of every group desired or managed users name into seen and
  // state.catalog.
  Status ReadGroups(const OrgadminConnector& connector, LiveState& state);
  void See(const std::string& instance, const std::string& group, const OrgadminGroupMember& row);
  // Everyone listing found, into state.users (see orgadmin_connector.h).
  void Assemble(LiveState& state) const;
};

Status OrgadminConnector::Listing::Identify(const OrgadminConnector& connector, const std::string& email,
                                            const std::string& recorded) {
  std::optional<std::string> id;
  if (!recorded.empty()) id = recorded;
  if (!id && ids) id = ids->Get(email);
  if (!id) {
    const auto it = known.find(email);
    if (it != known.end()) id = it->second;
  }
  if (!id) {
    StatusOr<std::optional<std::string>> found = connector.api_.FindUser(email, connector.What("find user", email));
    if (!found.ok()) return found.status();
    id = *found;
    if (id && ids) ids->Put(email, *id);
  }
  if (id) id_of[email] = *id;
  return OkStatus();
}

Status OrgadminConnector::Listing::IdentifyAll(const OrgadminConnector& connector) {
  for (const auto& [email, account] : managed) {
    if (Status s = Identify(connector, email, account.user_id); !s.ok()) return s;
  }
  for (const auto& [email, user] : desired) {
    if (managed.count(email)) continue;
    if (Status s = Identify(connector, email, ""); !s.ok()) return s;
  }
  for (const auto& [email, id] : id_of) claimed.insert(Lower(id));
  return OkStatus();
}

Status OrgadminConnector::Listing::ReadGroups(const OrgadminConnector& connector, LiveState& state) {
  std::set<std::string> groups;
  for (const auto& [email, user] : desired) groups.insert(user.grants.set.begin(), user.grants.set.end());
  for (const auto& [email, account] : managed) {
    groups.insert(account.grants.set.begin(), account.grants.set.end());
  }
  for (const std::string& group : groups) {
    auto members = connector.api_.GroupUsers(group, connector.What("list members of group " + group, ""));
    if (!members.ok()) return members.status();
    if (!*members) continue;  // not in the catalog: Resolve names it when it is desired
    state.catalog[group] = "";
    for (const OrgadminGroupMember& row : **members) See(connector.instance_, group, row);
  }
  return OkStatus();
}

void OrgadminConnector::Listing::See(const std::string& instance, const std::string& group,
                                     const OrgadminGroupMember& row) {
  SeenMember& member = seen[Lower(row.user_id)];
  member.id = row.user_id;
  member.raw_status = row.status;
  member.status = row.status == "retired" ? LiveStatus::kRetired : LiveStatus::kActive;
  if (row.status != "retired" && row.status != "active") {
    spdlog::warn("orgadmin {}: member {}: unknown status \"{}\" treated as active", instance, row.user_id,
                 row.status);
  }
  member.groups.insert(group);
  if (row.user_name) member.name = row.user_name;
}

void OrgadminConnector::Listing::Assemble(LiveState& state) const {
  // Managed accounts: members by definition; seen ones carry their real status.
  for (const auto& [email, account] : managed) {
    const auto id = id_of.find(email);
    const auto member = id == id_of.end() ? seen.end() : seen.find(Lower(id->second));
    if (member != seen.end()) {
      state.users[email] = FromSeen(member->second);
      continue;
    }
    LiveUser u;
    u.id = id == id_of.end() ? "" : id->second;
    u.status = account.retired ? LiveStatus::kRetired : LiveStatus::kActive;
    u.raw_status = account.retired ? "retired (last applied)" : "active (last applied)";
    state.users[email] = std::move(u);
  }
  // Desired users idsync does not manage are members only when a group shows them.
  for (const auto& [email, user] : desired) {
    if (managed.count(email)) continue;
    const auto id = id_of.find(email);
    if (id == id_of.end()) continue;
    const auto member = seen.find(Lower(id->second));
    if (member != seen.end()) state.users[email] = FromSeen(member->second);
  }
  // Everyone else in a managed group: unmanaged, known only by id and name.
  for (const auto& [lower_id, member] : seen) {
    if (claimed.count(lower_id)) continue;
    const std::string key = "userId:" + member.id;
    state.users[key] = FromSeen(member);
  }
}

StatusOr<LiveState> OrgadminConnector::List(const ListContext& context) {
  static const DesiredUsers kNoDesired;
  static const ManagedAccounts kNoManaged;
  Listing listing{context.desired ? *context.desired : kNoDesired,
                  context.managed ? *context.managed : kNoManaged, context.ids, {}, {}, {}, {}};
  {
    std::lock_guard lock(mu_);
    listing.known = known_ids_;
    if (context.ids) {
      for (const auto& [email, id] : to_cache_) context.ids->Put(email, id);
      to_cache_.clear();
    }
  }
  if (Status s = listing.IdentifyAll(*this); !s.ok()) return s;
  LiveState state;
  state.complete = false;
  if (Status s = listing.ReadGroups(*this, state); !s.ok()) return s;
  listing.Assemble(state);

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
