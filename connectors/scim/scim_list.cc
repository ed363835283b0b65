// ScimConnector: the provider's config, listing, resolution and finding one user.
#include <spdlog/spdlog.h>

#include "connectors/scim/scim_connector.h"
#include "core/url.h"
#include "core/text.h"

namespace idsync {
namespace {

using scim::Page;
using scim::ScimGroup;
using scim::ScimUser;

std::string Lower(std::string_view s) { return NormalizeEmail(s); }  // trimmed ASCII lowercase

// Follows every page of `path`: startIndex advances by the Resources received; stops
// at totalResults or an empty page.
template <typename T, typename Fetch, typename Parse>
StatusOr<std::vector<T>> AllPages(const std::string& path, int page_size, Fetch fetch, Parse parse,
                                  const std::string& what) {
  std::vector<T> out;
  int64_t start = 1;
  for (int pages = 0;; ++pages) {
    if (pages == 100000) return Internal(what + ": more than 100000 pages; giving up");
    const std::string url =
        path + "?startIndex=" + std::to_string(start) + "&count=" + std::to_string(page_size);
    StatusOr<HttpResponse> answer = fetch(url);
    if (!answer.ok()) return answer.status();
    if (Status s = scim::AnswerStatus(*answer, what); !s.ok()) return s;
    StatusOr<Page<T>> page = parse(answer->body);
    if (!page.ok()) return Internal(what + ": " + page.status().message());
    if (page->resources.empty()) break;
    start += static_cast<int64_t>(page->resources.size());
    for (auto& r : page->resources) out.push_back(std::move(r));
    if (page->total && static_cast<int64_t>(out.size()) >= *page->total) break;
  }
  return out;
}

// Managed groups: named by the bindings (desired, by name; a name two groups share
// names neither) or last applied (ids). `ids_by_name`: lower-cased name -> ids.
std::set<std::string> ManagedGroupIds(const ListContext& context,
                                      const std::map<std::string, std::vector<std::string>>& ids_by_name) {
  std::set<std::string> managed;
  if (context.desired) {
    for (const auto& [email, user] : *context.desired) {
      for (const std::string& name : user.grants.set) {
        auto it = ids_by_name.find(Lower(name));
        if (it != ids_by_name.end() && it->second.size() == 1) managed.insert(it->second.front());
      }
    }
  }
  if (context.managed) {
    for (const auto& [email, account] : *context.managed) managed.insert(account.grants.set.begin(), account.grants.set.end());
  }
  return managed;
}

}  // namespace

StatusOr<scim::ServiceProviderConfig> ScimConnector::Config(const std::string& what) {
  {
    std::lock_guard lock(mu_);
    if (config_) return *config_;
  }
  const std::string config_what = what + ": GET /ServiceProviderConfig";
  StatusOr<HttpResponse> answer = Send("GET", "/ServiceProviderConfig", nullptr, config_what);
  if (!answer.ok()) return answer.status();
  if (Status s = scim::AnswerStatus(*answer, config_what); !s.ok()) return s;
  StatusOr<scim::ServiceProviderConfig> config = scim::ParseServiceProviderConfig(answer->body);
  if (!config.ok()) return Internal(config_what + ": " + config.status().message());
  if (!config->patch) {
    return FailedPrecondition(config_what + ": the provider does not support PATCH "
                                            "(patch.supported is not true); idsync needs it");
  }
  std::lock_guard lock(mu_);
  config_ = *config;
  return *config;
}

StatusOr<std::vector<ScimUser>> ScimConnector::ListUsers(int page_size, const std::string& what) const {
  auto fetch = [&](const std::string& path) { return Send("GET", path, nullptr, what + ": GET /Users"); };
  return AllPages<ScimUser>("/Users", page_size, fetch, scim::ParseUserPage, what + ": GET /Users");
}

StatusOr<std::vector<ScimGroup>> ScimConnector::ListGroups(int page_size, const std::string& what) const {
  auto fetch = [&](const std::string& path) { return Send("GET", path, nullptr, what + ": GET /Groups"); };
  return AllPages<ScimGroup>("/Groups", page_size, fetch, scim::ParseGroupPage, what + ": GET /Groups");
}

StatusOr<LiveState> ScimConnector::List(const ListContext& context) {
  const std::string what = What("list", "");
  StatusOr<scim::ServiceProviderConfig> config = Config(what);
  if (!config.ok()) return config.status();
  StatusOr<std::vector<ScimUser>> users = ListUsers(config->PageSize(), what);
  if (!users.ok()) return users.status();
  StatusOr<std::vector<ScimGroup>> groups = ListGroups(config->PageSize(), what);
  if (!groups.ok()) return groups.status();

  LiveState live;
  std::map<std::string, std::vector<std::string>> ids_by_name;  // lowercased name -> ids
  for (const ScimGroup& g : *groups) {
    live.catalog[g.display_name] = g.id;
    ids_by_name[Lower(g.display_name)].push_back(g.id);
  }
  const std::set<std::string> managed = ManagedGroupIds(context, ids_by_name);
  std::map<std::string, std::set<std::string>> groups_of;  // user id -> managed group ids
  for (const ScimGroup& g : *groups) {
    if (!context.every_group && !managed.count(g.id)) continue;
    for (const std::string& member : g.members) groups_of[member].insert(g.id);
  }

  std::map<std::string, ScimUser> listed;
  for (ScimUser& u : *users) {
    LiveUser user;
    user.id = u.id;
    const std::string email = NormalizeEmail(u.user_name);
    if (email.empty() || user.id.empty()) {
      spdlog::warn("scim {}: a listed user has no userName or id; ignored", instance_);
      continue;
    }
    user.status = u.active ? LiveStatus::kActive : LiveStatus::kRetired;
    user.raw_status = u.active ? "active" : "inactive";
    user.name = u.display_name;
    user.given_name = u.given_name;
    user.family_name = u.family_name;
    user.external_id = u.external_id;
    if (auto it = groups_of.find(u.id); it != groups_of.end()) user.grants.set = it->second;
    auto [pos, inserted] = live.users.try_emplace(email, user);
    if (!inserted) {
      spdlog::warn("scim {}: {} is listed twice (ids {} and {}); keeping the first", instance_,
                   email, pos->second.id, user.id);
      continue;
    }
    listed[u.id] = std::move(u);
  }

  std::set<std::string> shared;
  for (const auto& [name, ids] : ids_by_name)
    if (ids.size() > 1) shared.insert(name);
  std::lock_guard lock(mu_);
  listed_ = std::move(listed);
  shared_names_ = std::move(shared);
  return live;
}

StatusOr<Grants> ScimConnector::Resolve(const Grants& desired, const LiveState& live) {
  std::set<std::string> shared;
  {
    std::lock_guard lock(mu_);
    shared = shared_names_;
  }
  Grants out = desired;
  out.set.clear();
  for (const std::string& name : desired.set) {
    std::vector<std::string> ids;
    for (const auto& [group, id] : live.catalog)
      if (Lower(group) == Lower(name)) ids.push_back(id);
    if (ids.size() == 1 && !shared.count(Lower(name))) {
      out.set.insert(ids.front());
      continue;
    }
    std::string known;
    for (const auto& [group, id] : live.catalog) known += (known.empty() ? "" : ", ") + group;
    if (ids.empty()) {
      return InvalidArgument("scim " + instance_ + ": no group named \"" + name +
                             "\"; groups: " + (known.empty() ? "(none)" : known));
    }
    return InvalidArgument("scim " + instance_ + ": the group name \"" + name +
                           "\" is shared by more than one group; rename one on the provider");
  }
  return out;
}

StatusOr<std::string> ScimConnector::FindUserId(const std::string& email, const std::string& what) {
  StatusOr<scim::ServiceProviderConfig> config = Config(what);
  if (!config.ok()) return config.status();
  std::vector<ScimUser> candidates;
  if (config->filter) {
    const std::string find = what + ": GET /Users?filter";
    StatusOr<HttpResponse> answer =
        Send("GET", "/Users?filter=" + PercentEncode(scim::UserNameFilter(email)), nullptr, find);
    if (!answer.ok()) return answer.status();
    if (Status s = scim::AnswerStatus(*answer, find); !s.ok()) return s;
    StatusOr<Page<ScimUser>> page = scim::ParseUserPage(answer->body);
    if (!page.ok()) return Internal(find + ": " + page.status().message());
    candidates = std::move(page->resources);
  } else {
    StatusOr<std::vector<ScimUser>> all = ListUsers(config->PageSize(), what);
    if (!all.ok()) return all.status();
    candidates = std::move(*all);
  }
  for (const ScimUser& u : candidates)
    if (NormalizeEmail(u.user_name) == email && !u.id.empty()) return u.id;
  return NotFound(what + ": the provider answered 409 uniqueness but no user named " + email +
                  " could be found");
}

}  // namespace idsync
