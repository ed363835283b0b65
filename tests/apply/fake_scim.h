// An in-memory SCIM 2.0 provider behind the HttpClient interface, for in-process tests
// of plan, apply and export: ServiceProviderConfig, paged GET /Users and /Groups,
// POST /Users, PATCH /Users/{id} (active), PATCH /Groups/{id} (members add/remove),
// DELETE /Users/{id}. No socket, no thread, no clock.
//
// Fault: `fail_after_create` answers the next POST /Users with a connection error
// AFTER the user was created, as a process killed between sending the request and
// reading the answer would leave it.
//
// Thread-safety: Send may be called from several threads (the executor's).
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "connectors/http/http_client.h"

namespace idsync::testing {

class FakeScim final : public HttpClient {
 public:
  using json = nlohmann::json;
  static constexpr const char* kBase = "https://scim.test/v2";

  struct User {
    std::string id, user_name, display_name;
    bool active = true;
  };

  FakeScim() {
    for (const char* g : {"Engineering", "Ops"}) groups_[g] = {};
  }

  void AddUser(const std::string& email, const std::vector<std::string>& groups = {}) {
    std::lock_guard lock(mu_);
    const std::string id = NewId();
    users_[id] = User{id, email, email, true};
    for (const auto& g : groups) groups_[g].insert(id);
  }

  StatusOr<HttpResponse> Send(const HttpRequest& r) override {
    std::lock_guard lock(mu_);
    ++requests_[r.method];
    std::string path = r.url.substr(std::string(kBase).size());
    std::string query;
    if (auto q = path.find('?'); q != std::string::npos) {
      query = path.substr(q + 1);
      path = path.substr(0, q);
    }
    if (r.method == "GET" && path == "/ServiceProviderConfig") return Ok(Spc());
    if (r.method == "GET" && path == "/Users") return Ok(Page(UsersJson(query), query));
    if (r.method == "GET" && path == "/Groups") return Ok(Page(GroupsJson(), query));
    if (r.method == "POST" && path == "/Users") return Create(json::parse(r.body));
    if (r.method == "PATCH" && path.rfind("/Users/", 0) == 0) return PatchUser(path.substr(7), json::parse(r.body));
    if (r.method == "PATCH" && path.rfind("/Groups/", 0) == 0) return PatchGroup(path.substr(8), json::parse(r.body));
    if (r.method == "DELETE" && path.rfind("/Users/", 0) == 0) {
      users_.erase(path.substr(7));
      return Answer(204, "");
    }
    return Answer(404, Error(404, "no route " + r.method + " " + path));
  }

  // How many accounts have this userName (a duplicate shows as 2).
  int CountOf(const std::string& email) const {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const auto& [id, u] : users_) n += u.user_name == email ? 1 : 0;
    return n;
  }
  bool InGroup(const std::string& email, const std::string& group) const {
    std::lock_guard lock(mu_);
    for (const auto& [id, u] : users_)
      if (u.user_name == email) return groups_.at(group).count(id) > 0;
    return false;
  }
  int Requests(const std::string& method) const {
    std::lock_guard lock(mu_);
    auto it = requests_.find(method);
    return it == requests_.end() ? 0 : it->second;
  }
  void FailAfterNextCreate() {
    std::lock_guard lock(mu_);
    fail_after_create_ = true;
  }

 private:
  static HttpResponse Answer(int status, std::string body) {
    HttpResponse a;
    a.status = status;
    a.body = std::move(body);
    return a;
  }
  static StatusOr<HttpResponse> Ok(const json& body) { return Answer(200, body.dump()); }
  static std::string Error(int status, const std::string& detail) {
    return json{{"schemas", {"urn:ietf:params:scim:api:messages:2.0:Error"}},
                {"status", std::to_string(status)}, {"detail", detail}}
        .dump();
  }
  static json Spc() {
    return {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"}},
            {"patch", {{"supported", true}}},
            {"filter", {{"supported", true}, {"maxResults", 2}}}};
  }
  std::string NewId() { return "u" + std::to_string(++next_id_); }

  json UsersJson(const std::string& query) const {
    json out = json::array();
    for (const auto& [id, u] : users_) {
      if (query.find("filter=") != std::string::npos && query.find(u.user_name) == std::string::npos &&
          query.find(Escaped(u.user_name)) == std::string::npos)
        continue;
      out.push_back({{"id", id}, {"userName", u.user_name}, {"active", u.active},
                     {"displayName", u.display_name}});
    }
    return out;
  }
  static std::string Escaped(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '@' ? std::string("%40") : std::string(1, c);
    return out;
  }
  json GroupsJson() const {
    json out = json::array();
    for (const auto& [name, members] : groups_) {
      json m = json::array();
      for (const auto& id : members) m.push_back({{"value", id}});
      out.push_back({{"id", name}, {"displayName", name}, {"members", m}});
    }
    return out;
  }
  // The page of `all` asked for by startIndex/count (1-based).
  static json Page(const json& all, const std::string& query) {
    std::size_t start = 1, count = all.size();
    if (auto s = query.find("startIndex="); s != std::string::npos) start = std::stoul(query.substr(s + 11));
    if (auto c = query.find("count="); c != std::string::npos) count = std::stoul(query.substr(c + 6));
    json page = json::array();
    for (std::size_t i = start - 1; i < all.size() && page.size() < count; ++i) page.push_back(all[i]);
    return {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:ListResponse"}},
            {"totalResults", all.size()}, {"Resources", page}};
  }
  StatusOr<HttpResponse> Create(const json& body) {
    const std::string email = body.value("userName", "");
    for (const auto& [id, u] : users_)
      if (u.user_name == email) return Answer(409, Error(409, "userName taken"));
    const std::string id = NewId();
    users_[id] = User{id, email, body.value("displayName", email), true};
    if (fail_after_create_) {
      fail_after_create_ = false;
      return Unavailable("connection reset by peer (the request was sent)");
    }
    return Answer(201, json{{"id", id}, {"userName", email}, {"active", true}}.dump());
  }
  StatusOr<HttpResponse> PatchUser(const std::string& id, const json& body) {
    auto it = users_.find(id);
    if (it == users_.end()) return Answer(404, Error(404, "no user " + id));
    for (const auto& op : body.value("Operations", json::array())) {
      const json& v = op.contains("value") ? op["value"] : json();
      if (op.value("path", "") == "active" && v.is_boolean()) it->second.active = v.get<bool>();
      if (v.is_object() && v.contains("active")) it->second.active = v["active"].get<bool>();
    }
    return Answer(200, json{{"id", id}, {"userName", it->second.user_name}, {"active", it->second.active}}.dump());
  }
  StatusOr<HttpResponse> PatchGroup(const std::string& group, const json& body) {
    auto it = groups_.find(group);
    if (it == groups_.end()) return Answer(404, Error(404, "no group " + group));
    for (const auto& op : body.value("Operations", json::array())) {
      const std::string kind = op.value("op", "");
      if (kind == "add" || kind == "Add") {
        for (const auto& m : op.value("value", json::array())) it->second.insert(m.value("value", ""));
      } else {
        const std::string path = op.value("path", "");
        for (auto m = it->second.begin(); m != it->second.end();)
          m = path.find('"' + *m + '"') != std::string::npos ? it->second.erase(m) : std::next(m);
      }
    }
    return Answer(204, "");
  }

  mutable std::mutex mu_;
  std::map<std::string, User> users_;                   // by id
  std::map<std::string, std::set<std::string>> groups_;  // name (= id) -> member ids
  std::map<std::string, int> requests_;                 // by method
  int next_id_ = 0;
  bool fail_after_create_ = false;
};

}  // namespace idsync::testing
