// ManifestBuilder: the `users:` section and the checks across users.
#include <algorithm>
#include <cctype>

#include "config/expiry.h"
#include "config/manifest_builder.h"
#include "config/resolve.h"
#include "core/text.h"

namespace idsync {
namespace {

// An address with one '@', something on both sides, and no whitespace.
bool LooksLikeEmail(std::string_view email) {
  size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) return false;
  if (email.find('@', at + 1) != std::string_view::npos) return false;
  return std::none_of(email.begin(), email.end(),
                      [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

std::optional<std::string> OptionalString(YamlReader& r, const Mapping& map, std::string_view key) {
  const auto* e = map.Find(key);
  if (!e) return std::nullopt;
  return r.String(e->value);
}

// NormalizeEmail's lowercasing of an already trimmed address.
std::string LowerCase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Whether every email comes after the one before it: then none repeats (manifests
// written or generated in order pass this in one pass).
bool Ascending(const std::vector<User>& users) {
  for (std::size_t i = 1; i < users.size(); ++i)
    if (!(users[i - 1].email < users[i].email)) return false;
  return true;
}

// Whether two users may share an email: equal hashes (a cheap test that most manifests
// pass; sorting the users by email is the slow part).
bool MayRepeat(const std::vector<User>& users) {
  std::vector<std::size_t> hashes;
  hashes.reserve(users.size());
  for (const User& user : users) hashes.push_back(std::hash<std::string>()(user.email));
  std::sort(hashes.begin(), hashes.end());
  return std::adjacent_find(hashes.begin(), hashes.end()) != hashes.end();
}

}  // namespace

ManifestBuilder::ManifestBuilder(std::vector<Diagnostic>& diags)
    : diags_(diags), stream_(std::make_unique<UserStream>(*this)) {}
ManifestBuilder::~ManifestBuilder() = default;

SeqItemSink* ManifestBuilder::Users(std::size_t file_size) {
  // A user takes 60 to 150 bytes of YAML (a block mapping with an email, a name and a
  // role or group): room for one per 64 bytes, never written unless used.
  stream_->expected_users = file_size / 64;
  stream_->Restart();
  return stream_.get();
}

void ManifestBuilder::ParseUsers(YamlReader& r, NodeId users, UserBatch& out) {
  auto items = r.Seq(users);  // empty when they were streamed
  if (!items) return;
  for (NodeId item : *items) ParseUser(r, item, out);
}

// Everything about one user that its own item tells; names of roles and groups are
// checked by FinishUsers, once every file is read.
void ManifestBuilder::ParseUser(YamlReader& r, NodeId item, UserBatch& out) {
  if (r.tree().kind(item) != NodeKind::kMap) {
    r.Map(item);  // reports the mismatch (null included: a user needs an email)
    if (r.tree().kind(item) == NodeKind::kNull) r.Error(item, "missing required key \"email\"");
    return;
  }
  auto map = r.Map(item);
  if (!map) return;
  static const std::vector<std::string_view> kKeys{"email", "name", "given_name", "family_name", "groups",
                                                   "roles", "suspended", "external_id", "expires"};
  r.CheckKeys(*map, kKeys);
  std::string email, as_written;
  bool has_email = false;
  if (const auto* e = r.Require(*map, "email")) {
    if (auto text = r.Text(e->value)) {
      as_written = Trim(*text);
      email = LowerCase(as_written);  // NormalizeEmail: trimmed, then lowercased
      has_email = LooksLikeEmail(email);
      if (!has_email) r.Error(e->value, "invalid email \"" + std::string(*text) + "\"");
    }
  }
  // Built where it is kept: a User is ~200 bytes and a manifest may hold a million.
  User& user = (has_email ? out.users : out.rejected).emplace_back();
  user.mark = map->mark;
  user.email = std::move(email);
  user.email_as_written = std::move(as_written);
  user.name = OptionalString(r, *map, "name");
  user.given_name = OptionalString(r, *map, "given_name");
  user.family_name = OptionalString(r, *map, "family_name");
  user.external_id = OptionalString(r, *map, "external_id");
  if (const auto* e = map->Find("suspended")) user.suspended = r.Bool(e->value).value_or(false);
  if (const auto* e = map->Find("expires")) user.expires = ReadExpiry(r, e->value);
  if (const auto* e = map->Find("groups"))
    user.groups = ReadMemberships(r, e->value, "group", /*allow_expiry=*/true, names_);
  if (const auto* e = map->Find("roles"))
    user.roles = ReadMemberships(r, e->value, "role", /*allow_expiry=*/true, names_);
}

void ManifestBuilder::FinishUsers(UserBatch& batch) {
  diags_.insert(diags_.end(), std::make_move_iterator(batch.diags.begin()),
                std::make_move_iterator(batch.diags.end()));
  for (User& user : batch.users) CheckReferences(user);
  for (User& user : batch.rejected) CheckReferences(user);
  if (manifest_.users.empty()) {
    manifest_.users = std::move(batch.users);
  } else {
    manifest_.users.insert(manifest_.users.end(), std::make_move_iterator(batch.users.begin()),
                           std::make_move_iterator(batch.users.end()));
  }
  batch = UserBatch();
}

// Unknown roles and groups (dropped from the user after their error), then whether an
// orgadmin platform the user is bound to has the names it needs.
void ManifestBuilder::CheckReferences(User& user) {
  auto known = [this](std::vector<Membership>& list, auto facts, const char* what) {
    std::erase_if(list, [&](const Membership& m) {
      if ((this->*facts)(m.name).defined) return false;
      diags_.push_back({m.mark, std::string("unknown ") + what + " \"" + m.name.str() + "\""});
      return true;
    });
  };
  known(user.groups, &ManifestBuilder::GroupFacts, "group");
  known(user.roles, &ManifestBuilder::RoleFacts, "role");
  if (const std::string* platform = OrgadminPlatformOf(user)) {
    Profile profile = ProfileOf(user);
    if (!profile.given_name || !profile.family_name)
      diags_.push_back({user.mark, "user \"" + user.email_as_written + "\" is bound to orgadmin platform \"" +
                                       *platform +
                                       "\", which needs given_name and family_name, or a name with a space"});
  }
}

// The orgadmin platform (typed) that `role` binds first, by platform name; nullptr if none.
const std::string* ManifestBuilder::OrgadminPlatformOfRole(const std::string& role_name) const {
  auto role = manifest_.roles.find(role_name);
  if (role == manifest_.roles.end()) return nullptr;
  for (const auto& [platform, grants] : role->second.bindings) {
    auto p = manifest_.platforms.find(platform);
    if (p != manifest_.platforms.end() && p->second.type == PlatformType::kOrgadmin &&
        !untyped_platforms_.count(platform))
      return &p->first;
  }
  return nullptr;
}

const ManifestBuilder::NameFacts& ManifestBuilder::RoleFacts(const SharedString& name) {
  auto [it, inserted] = role_facts_.try_emplace(&name.str());
  if (inserted) it->second = {manifest_.roles.count(name) > 0, OrgadminPlatformOfRole(name)};
  return it->second;
}

const ManifestBuilder::NameFacts& ManifestBuilder::GroupFacts(const SharedString& name) {
  auto [it, inserted] = group_facts_.try_emplace(&name.str());
  if (!inserted) return it->second;
  it->second.defined = manifest_.groups.count(name) > 0;
  if (const auto* roles = group_roles_ ? group_roles_->Of(name) : nullptr) {
    for (const auto& entry : *roles)
      if ((it->second.orgadmin = OrgadminPlatformOfRole(entry.first))) break;
  }
  return it->second;
}

const std::string* ManifestBuilder::OrgadminPlatformOf(const User& user) {
  for (const auto& role : user.roles)
    if (const auto* p = RoleFacts(role.name).orgadmin) return p;
  for (const auto& group : user.groups)
    if (const auto* p = GroupFacts(group.name).orgadmin) return p;
  return nullptr;
}

void ManifestBuilder::CheckDuplicateEmails() {
  const auto& users = manifest_.users;
  if (Ascending(users) || !MayRepeat(users)) return;
  std::vector<uint32_t> order(users.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  // Stable: among equal emails, the earlier user (file order) comes first.
  std::stable_sort(order.begin(), order.end(),
                   [&users](uint32_t a, uint32_t b) { return users[a].email < users[b].email; });
  for (size_t i = 1; i < order.size(); ++i) {
    const User& prev = users[order[i - 1]];
    const User& user = users[order[i]];
    if (user.email != prev.email) continue;
    // Report each repeat against the first occurrence.
    size_t first = i - 1;
    while (first > 0 && users[order[first - 1]].email == user.email) --first;
    diags_.push_back({user.mark, "duplicate user \"" + user.email + "\" (first at " +
                                     YamlReader::Where(users[order[first]].mark) + ")"});
  }
}

}  // namespace idsync
