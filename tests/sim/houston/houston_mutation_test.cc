// The houston platform's mutations and control actions over real HTTP.
#include "tests/sim/houston/houston_sim_client.h"

namespace idsync::sim::houston_test {
namespace {

constexpr const char* kInviteUser =
    "mutation InviteUser($email: String!, $role: Role) { inviteUser(email: $email, role: $role) { id } }";
constexpr const char* kWorkspaceAddUser =
    "mutation WorkspaceAddUser($workspaceUuid: Uuid!, $email: String!, $role: Role) {\n"
    "  workspaceAddUser(workspaceUuid: $workspaceUuid, email: $email, role: $role) { id } }";
constexpr const char* kWorkspaceUpdateUserRole =
    "mutation WorkspaceUpdateUserRole($workspaceUuid: Uuid!, $email: String!, $role: Role!) {\n"
    "  workspaceUpdateUserRole(workspaceUuid: $workspaceUuid, email: $email, role: $role) }";
constexpr const char* kWorkspaceRemoveUser =
    "mutation WorkspaceRemoveUser($workspaceUuid: Uuid!, $userUuid: Uuid!) {\n"
    "  workspaceRemoveUser(workspaceUuid: $workspaceUuid, userUuid: $userUuid) { id } }";
constexpr const char* kCreate =
    "mutation CreateSystemRoleBinding($userId: Uuid!, $role: Role!) {\n"
    "  createSystemRoleBinding(userId: $userId, role: $role) { id role } }";
constexpr const char* kDelete =
    "mutation DeleteSystemRoleBinding($userId: Uuid!, $role: Role!) {\n"
    "  deleteSystemRoleBinding(userId: $userId, role: $role) { id role } }";
constexpr const char* kRemoveUser = "mutation RemoveUser($userUuid: Uuid!) { removeUser(userUuid: $userUuid) { id } }";
constexpr const char* kDeleteInviteToken =
    "mutation DeleteInviteToken($inviteUuid: Uuid!) { deleteInviteToken(inviteUuid: $inviteUuid) { id } }";

TEST_CASE("inviteUser: a new email is invited; wrong level, user, or invitation refused") {
  Sim sim;
  Reply ok = sim.Graphql(kInviteUser, {{"email", "dan@acme.io"}, {"role", "SYSTEM_VIEWER"}});
  CHECK(ok.status == 200);
  CHECK(ok.body["data"]["inviteUser"]["id"].get<std::string>().starts_with("ck"));
  CHECK(sim.State()["invites"].size() == 3);
  const std::pair<json, const char*> cases[] = {
      {{{"email", "eve@acme.io"}, {"role", "WORKSPACE_VIEWER"}}, "BAD_USER_INPUT"},
      {{{"email", "ALICE@acme.io"}, {"role", "SYSTEM_VIEWER"}}, "DUPLICATE_EMAIL"},
      {{{"email", "carol@acme.io"}, {"role", "SYSTEM_VIEWER"}}, "USER_ALREADY_INVITED"},
  };
  for (const auto& c : cases) {
    const json& variables = c.first;
    const char* code = c.second;
    CAPTURE(code);
    Reply r = sim.Graphql(kInviteUser, variables);
    CHECK(r.status == 200);
    CHECK(Code(r) == code);
    CHECK(r.body["data"] == json{{"inviteUser", nullptr}});
    CHECK(r.body["errors"][0]["path"] == json{"inviteUser"});
  }
  CHECK(sim.State()["invites"].size() == 3);
  CHECK(sim.Counters()["inviteUser"] == 4);
  CHECK(sim.Counters()["mutations"] == 4);
  CHECK(sim.Counters()["effects"]["inviteUser"] == 1);  // the refused three changed nothing
}

TEST_CASE("workspaceAddUser adds a user, invites an unknown email, and refuses repeats") {
  Sim sim;
  auto add = [&](const char* ws, const char* email, json role) {
    return sim.Graphql(kWorkspaceAddUser, {{"workspaceUuid", ws}, {"email", email}, {"role", role}});
  };
  Reply ok = add("ckws2", "alice@acme.io", "WORKSPACE_ADMIN");
  CHECK(ok.body["data"]["workspaceAddUser"] == json{{"id", "ckws2"}});
  CHECK(sim.User("Alice@Acme.io")["workspaces"]["ckws2"] == "WORKSPACE_ADMIN");
  CHECK(Code(add("ckws2", "alice@acme.io", "WORKSPACE_VIEWER")) == "DUPLICATE_EMAIL");
  CHECK(sim.User("Alice@Acme.io")["workspaces"]["ckws2"] == "WORKSPACE_ADMIN");  // unchanged
  CHECK(add("ckws2", "dan@acme.io", nullptr).status == 200);  // null role: the default
  CHECK(sim.State()["invites"].back() == json{{"id", sim.State()["invites"].back()["id"]}, {"email", "dan@acme.io"},
                                              {"role", "WORKSPACE_VIEWER"}, {"workspace", "ckws2"}});
  CHECK(Code(add("ckws2", "DAN@acme.io", "WORKSPACE_EDITOR")) == "USER_ALREADY_INVITED");
  CHECK(Code(add("ckws1", "dan@acme.io", "SYSTEM_ADMIN")) == "BAD_USER_INPUT");
  CHECK(Code(add("nope", "dan@acme.io", "WORKSPACE_VIEWER")) == "RESOURCE_NOT_FOUND");
}

TEST_CASE("workspaceUpdateUserRole answers a bare Role") {
  Sim sim;
  Reply r = sim.Graphql(kWorkspaceUpdateUserRole, {{"workspaceUuid", "ckws1"}, {"email", "alice@acme.io"}, {"role", "WORKSPACE_ADMIN"}});
  CHECK(r.body == json{{"data", {{"workspaceUpdateUserRole", "WORKSPACE_ADMIN"}}}});
  CHECK(sim.User("Alice@Acme.io")["workspaces"]["ckws1"] == "WORKSPACE_ADMIN");
  Reply missing = sim.Graphql(kWorkspaceUpdateUserRole, {{"workspaceUuid", "ckws2"}, {"email", "alice@acme.io"}, {"role", "WORKSPACE_ADMIN"}});
  CHECK(Code(missing) == "RESOURCE_NOT_FOUND");
}

TEST_CASE("workspaceRemoveUser also drops the user's bindings on the workspace's deployments") {
  Sim sim;
  Reply r = sim.Graphql(kWorkspaceRemoveUser, {{"workspaceUuid", "ckws1"}, {"userUuid", "cku002"}});
  CHECK(r.body["data"]["workspaceRemoveUser"] == json{{"id", "ckws1"}});
  json alice = sim.User("Alice@Acme.io");
  CHECK_FALSE(alice.contains("workspaces"));
  CHECK_FALSE(alice.contains("deployments"));
  CHECK(alice["system"] == json::array({"SYSTEM_VIEWER", "USER"}));
  CHECK(Code(sim.Graphql(kWorkspaceRemoveUser, {{"workspaceUuid", "ckws1"}, {"userUuid", "cku002"}})) ==
        "RESOURCE_NOT_FOUND");
}

TEST_CASE("system bindings: create is idempotent, the last SYSTEM_ADMIN cannot go") {
  Sim sim;
  Reply first = sim.Graphql(kCreate, {{"userId", "cku003"}, {"role", "SYSTEM_EDITOR"}});
  Reply again = sim.Graphql(kCreate, {{"userId", "cku003"}, {"role", "SYSTEM_EDITOR"}});
  CHECK(first.body["data"]["createSystemRoleBinding"]["role"] == "SYSTEM_EDITOR");
  CHECK(again.body["data"]["createSystemRoleBinding"] == first.body["data"]["createSystemRoleBinding"]);
  CHECK(sim.User("bob@acme.io")["system"] == "SYSTEM_EDITOR");
  CHECK(Code(sim.Graphql(kCreate, {{"userId", "cku003"}, {"role", "WORKSPACE_ADMIN"}})) == "BAD_USER_INPUT");
  CHECK(Code(sim.Graphql(kCreate, {{"userId", "nobody"}, {"role", "SYSTEM_EDITOR"}})) == "RESOURCE_NOT_FOUND");

  Reply last = sim.Graphql(kDelete, {{"userId", "cku001"}, {"role", "SYSTEM_ADMIN"}});
  CHECK(Code(last) == "FORBIDDEN");
  CHECK(Code(sim.Graphql(kRemoveUser, {{"userUuid", "cku001"}})) == "FORBIDDEN");
  CHECK(sim.Graphql(kCreate, {{"userId", "cku003"}, {"role", "SYSTEM_ADMIN"}}).status == 200);
  Reply now_ok = sim.Graphql(kDelete, {{"userId", "cku001"}, {"role", "SYSTEM_ADMIN"}});
  CHECK(now_ok.body["data"]["deleteSystemRoleBinding"]["role"] == "SYSTEM_ADMIN");
  CHECK(Code(sim.Graphql(kDelete, {{"userId", "cku001"}, {"role", "SYSTEM_ADMIN"}})) == "RESOURCE_NOT_FOUND");
}

TEST_CASE("removeUser returns the user as it was; deleteInviteToken deletes one invitation") {
  Sim sim;
  Reply removed = sim.Graphql("mutation R($u: Uuid!) { removeUser(userUuid: $u) { id username roleBindings { role } } }",
                              {{"u", "cku002"}});
  CHECK(removed.body["data"]["removeUser"]["username"] == "Alice@Acme.io");
  CHECK(removed.body["data"]["removeUser"]["roleBindings"].size() == 4);
  CHECK(sim.User("Alice@Acme.io").is_null());
  CHECK(Code(sim.Graphql(kRemoveUser, {{"userUuid", "cku002"}})) == "RESOURCE_NOT_FOUND");

  std::string id = sim.State()["invites"][0]["id"];
  CHECK(sim.Graphql(kDeleteInviteToken, {{"inviteUuid", id}}).body["data"]["deleteInviteToken"]["id"] == id);
  CHECK(sim.State()["invites"].size() == 1);
  CHECK(Code(sim.Graphql(kDeleteInviteToken, {{"inviteUuid", id}})) == "RESOURCE_NOT_FOUND");
}

TEST_CASE("accept signs an invited email up with a binding per invitation") {
  Sim sim;
  json user = sim.Control("accept", {{"email", "Carol@acme.io"}, {"fullName", "Carol"}});
  CHECK(user["username"] == "carol@acme.io");
  CHECK(user["status"] == "active");
  CHECK(user["emails"] == json::array({{{"address", "carol@acme.io"}, {"primary", true}, {"verified", true}}}));
  json carol = sim.User("carol@acme.io");
  CHECK(carol["system"] == "SYSTEM_EDITOR");
  CHECK(carol["workspaces"] == json{{"ckws1", "WORKSPACE_ADMIN"}});
  CHECK(sim.State()["invites"].empty());
  sim.Control("accept", {{"email", "nobody@acme.io"}}, 404);
}

TEST_CASE("drift replaces bindings; users and invites add directly; unknown actions are 404") {
  Sim sim;
  sim.Control("drift", {{"email", "alice@acme.io"}, {"system", nullptr}, {"workspaces", {{"ckws2", "WORKSPACE_VIEWER"}}}});
  json alice = sim.User("Alice@Acme.io");
  CHECK_FALSE(alice.contains("system"));
  CHECK(alice["workspaces"] == json{{"ckws2", "WORKSPACE_VIEWER"}});
  CHECK(alice["deployments"] == json{{"ckdep1", "DEPLOYMENT_ADMIN"}});
  sim.Control("drift", {{"email", "alice@acme.io"}, {"system", "SYSTEM_EDITOR"}});
  CHECK(sim.User("Alice@Acme.io")["system"] == "SYSTEM_EDITOR");
  CHECK(sim.User("Alice@Acme.io")["workspaces"] == json{{"ckws2", "WORKSPACE_VIEWER"}});
  sim.Control("drift", {{"email", "alice@acme.io"}, {"workspaces", {{"nope", "WORKSPACE_VIEWER"}}}}, 404);
  sim.Control("drift", {{"email", "alice@acme.io"}, {"system", "BOSS"}}, 400);

  sim.Control("users", {{"email", "zed@acme.io"}, {"system", "SYSTEM_VIEWER"}, {"workspaces", {{"ckws1", "WORKSPACE_VIEWER"}}}});
  CHECK(sim.User("zed@acme.io")["workspaces"] == json{{"ckws1", "WORKSPACE_VIEWER"}});
  sim.Control("users", {{"email", "ZED@acme.io"}}, 409);
  sim.Control("invites", {{"email", "yan@acme.io"}, {"role", "WORKSPACE_EDITOR"}, {"workspace", "ckws2"}});
  CHECK(sim.State()["invites"].size() == 3);
  sim.Control("nope", {{"email", "a@b.c"}}, 404);
}

TEST_CASE("effects count the mutations that were not refused, once each; reset zeroes them") {
  Sim sim;
  CHECK(sim.Graphql(kInviteUser, {{"email", "dan@acme.io"}}).status == 200);
  CHECK(Code(sim.Graphql(kInviteUser, {{"email", "dan@acme.io"}})) == "USER_ALREADY_INVITED");
  CHECK(Code(sim.Graphql(kInviteUser, {{"email", "eve@acme.io"}}, {{"Authorization", "wrong"}})) == "UNAUTHENTICATED");
  CHECK(Code(sim.Graphql(kRemoveUser, {{"userUuid", "nobody"}})) == "RESOURCE_NOT_FOUND");
  json effects = sim.Counters()["effects"];
  CHECK(effects["inviteUser"] == 1);
  CHECK(effects["removeUser"] == 0);
  CHECK(effects.size() == 8);  // one per mutation of houston.md
  sim.Post("/_sim/reset", "", {});
  CHECK(sim.Counters()["effects"]["inviteUser"] == 0);
}

TEST_CASE("reset returns to the seed and zeroes counters") {
  Sim sim;
  sim.Graphql(kRemoveUser, {{"userUuid", "cku002"}});
  CHECK(sim.Counters()["removeUser"] == 1);
  sim.Post("/_sim/reset", "", {});
  CHECK(sim.Counters()["removeUser"] == 0);
  CHECK_FALSE(sim.User("Alice@Acme.io").is_null());
}

}  // namespace
}  // namespace idsync::sim::houston_test
