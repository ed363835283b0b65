// The renderers: golden text and markdown for a small plan, JSON read back field by
// field.
#include "reconcile/render.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/reconcile/plan_fixtures.h"

namespace idsync {
namespace {

using namespace idsync::testing;
using Json = nlohmann::ordered_json;

Action MakeAction(const std::string& platform, const std::string& email, Verb verb,
                  Grants before, Grants after, const std::string& reason,
                  Disposition disposition = Disposition::kApply, bool drift = false) {
  Action a;
  a.platform = platform;
  a.email = email;
  a.verb = verb;
  a.user_id = verb == Verb::kInvite ? "" : "u-" + email.substr(0, email.find('@'));
  a.before = std::move(before);
  a.after = std::move(after);
  a.reason = reason;
  a.disposition = disposition;
  a.drift = drift;
  return a;
}

// Two platforms: one with a bit of everything, one held by the guard; and a failure.
Plan SmallPlan() {
  PlatformPlan ws;
  ws.platform = "ws";
  ws.type = PlatformType::kWorkspace;
  ws.desired = 3;
  ws.live = 3;
  ws.managed = 2;
  ws.actions = {
      MakeAction("ws", "alice@acme.io", Verb::kInvite, {}, Single("DEVELOPER"), "role engineer"),
      MakeAction("ws", "bob@acme.io", Verb::kGrant, Single("ADMIN"), Single("ANALYST"),
                 "changed outside idsync (drift): reverting", Disposition::kApply, true),
      MakeAction("ws", "cy@acme.io", Verb::kGrant, Single("ANALYST"), Single("DEVELOPER"),
                 "pending invitation; applied once accepted", Disposition::kDeferred),
  };
  ws.unmanaged = {"zoe@acme.io"};

  PlatformPlan astra;
  astra.platform = "astra";
  astra.type = PlatformType::kAstra;
  astra.desired = 0;
  astra.live = 2;
  astra.managed = 2;
  astra.blocked = true;
  astra.blocked_reason =
      "the manifest lists no users for astra while idsync manages 2: refusing to remove them all";
  for (const char* email : {"dan@acme.io", "eve@acme.io"})
    astra.actions.push_back(MakeAction("astra", email, Verb::kRemove, Set({"r1", "r2"}), {},
                                       "no longer desired on astra; offboarding: remove",
                                       Disposition::kHeld));

  PlatformPlan astro;
  astro.platform = "astro";
  astro.type = PlatformType::kHouston;
  astro.error = InvalidArgument("unknown workspace id ckws9 (known: ckws1, ckws2)");
  return Plan{{ws, astra, astro}};
}

TEST_CASE("text plan reads like Terraform's, without colour unless asked") {
  const std::string expected =
      "ws (workspace): 3 desired, 3 live, 2 managed\n"
      "  + invite     alice@acme.io  DEVELOPER  (role engineer)\n"
      "  ~ grant      bob@acme.io    ADMIN → ANALYST  (changed outside idsync (drift): "
      "reverting) [drift]\n"
      "  ~ grant      cy@acme.io     ANALYST → DEVELOPER  (deferred: pending invitation; "
      "applied once accepted)\n"
      "  unmanaged (not in the manifest, not managed by idsync): zoe@acme.io\n"
      "  Plan: 1 to invite, 1 to change, 0 to retire, 0 to remove; 1 deferred; 0 held\n"
      "\n"
      "astra (astra): 0 desired, 2 live, 2 managed\n"
      "  - remove     dan@acme.io  [r1, r2]  (no longer desired on astra; offboarding: remove) "
      "(held by the removal guard)\n"
      "  - remove     eve@acme.io  [r1, r2]  (no longer desired on astra; offboarding: remove) "
      "(held by the removal guard)\n"
      "  ! removals held: the manifest lists no users for astra while idsync manages 2: "
      "refusing to remove them all\n"
      "    raise max_removals or apply with --allow-removals 2\n"
      "  Plan: 0 to invite, 0 to change, 0 to retire, 0 to remove; 0 deferred; 2 held\n"
      "\n"
      "astro (houston): error: unknown workspace id ckws9 (known: ckws1, ckws2)\n"
      "\n"
      "Plan: 1 to invite, 1 to change, 0 to retire, 0 to remove; 1 deferred; 2 held\n"
      "Error: 1 platform could not be planned: astro\n";
  const std::string text = Render(SmallPlan(), Format::kText);
  CHECK(text == expected);
  CHECK(text.find('\x1b') == std::string::npos);

  const std::string colored = Render(SmallPlan(), Format::kText, RenderOptions{.color = true});
  CHECK(colored.find("\x1b[32m+ invite    \x1b[0m") != std::string::npos);
  CHECK(colored.find("\x1b[35m[drift]\x1b[0m") != std::string::npos);
}

TEST_CASE("a plan without actions says No changes.") {
  PlatformPlan p;
  p.platform = "ws";
  p.type = PlatformType::kWorkspace;
  p.desired = p.live = p.managed = 1;
  CHECK(Render(Plan{{p}}, Format::kText) ==
        "ws (workspace): 1 desired, 1 live, 1 managed\n  No changes.\n\nNo changes.\n");
  CHECK(Render(Plan{{p}}, Format::kMarkdown) ==
        "## idsync plan\n\n**No changes.**\n\n### ws (workspace)\n\n1 desired, 1 live, 1 "
        "managed\n\nNo changes.\n");
}

TEST_CASE("an adopt shows in the summary only when there is one") {
  PlatformPlan p;
  p.platform = "sc";
  p.type = PlatformType::kScim;
  p.actions = {MakeAction("sc", "a@x.io", Verb::kAdopt, Set({"g"}), Set({"g"}), "already on sc")};
  const std::string text = Render(Plan{{p}}, Format::kText);
  CHECK(text.find("  = adopt      a@x.io  [g]  (already on sc)\n") != std::string::npos);
  CHECK(text.find("Plan: 0 to invite, 1 to adopt, 0 to change, 0 to retire, 0 to remove; 0 "
                  "deferred; 0 held\n") != std::string::npos);
}

TEST_CASE("ids the platform names are shown by name in text and markdown, kept in JSON") {
  PlatformPlan p;
  p.platform = "db";
  p.type = PlatformType::kAstra;
  p.names = {{"id-ro", "RO User"}, {"id-rw", "R/W User"}};
  p.actions = {MakeAction("db", "a@x.io", Verb::kGrant, Set({"id-ro"}), Set({"id-rw", "id-new"}),
                          "role dev")};
  const std::string text = Render(Plan{{p}}, Format::kText);
  CAPTURE(text);
  CHECK(text.find("[RO User] \u2192 [R/W User, id-new]") != std::string::npos);
  CHECK(Render(Plan{{p}}, Format::kMarkdown).find("[RO User] \u2192 [R/W User, id-new]") != std::string::npos);
  CHECK(Render(Plan{{p}}, Format::kJson).find("\"id-rw\"") != std::string::npos);
}

TEST_CASE("markdown plan is ready to paste as a pull-request comment") {
  const std::string expected =
      "## idsync plan\n"
      "\n"
      "**Plan: 1 to invite, 1 to change, 0 to retire, 0 to remove; 1 deferred; 2 held**\n"
      "\n"
      "> **Held:** removals on astra are held by the guard.\n"
      "\n"
      "> **Error:** astro could not be planned.\n"
      "\n"
      "### ws (workspace)\n"
      "\n"
      "3 desired, 3 live, 2 managed\n"
      "\n"
      "| | action | user | grants | reason |\n"
      "|---|---|---|---|---|\n"
      "| `+` | invite | alice@acme.io | DEVELOPER | role engineer |\n"
      "| `~` | grant | bob@acme.io | ADMIN → ANALYST | changed outside idsync (drift): "
      "reverting **[drift]** |\n"
      "| `~` | grant | cy@acme.io | ANALYST → DEVELOPER | **deferred**: pending invitation; "
      "applied once accepted |\n"
      "\n"
      "Plan: 1 to invite, 1 to change, 0 to retire, 0 to remove; 1 deferred; 0 held\n"
      "\n"
      "Unmanaged accounts (not in the manifest, not managed by idsync): zoe@acme.io\n"
      "\n"
      "### astra (astra)\n"
      "\n"
      "0 desired, 2 live, 2 managed\n"
      "\n"
      "> **Removals held by the guard:** the manifest lists no users for astra while idsync "
      "manages 2: refusing to remove them all. To proceed, raise max_removals or apply with "
      "--allow-removals 2.\n"
      "\n"
      "| | action | user | grants | reason |\n"
      "|---|---|---|---|---|\n"
      "| `-` | remove | dan@acme.io | [r1, r2] | no longer desired on astra; offboarding: "
      "remove; **held by the removal guard** |\n"
      "| `-` | remove | eve@acme.io | [r1, r2] | no longer desired on astra; offboarding: "
      "remove; **held by the removal guard** |\n"
      "\n"
      "Plan: 0 to invite, 0 to change, 0 to retire, 0 to remove; 0 deferred; 2 held\n"
      "\n"
      "### astro (houston)\n"
      "\n"
      "> **Error:** this platform could not be planned; nothing will be applied to it: "
      "unknown workspace id ckws9 (known: ckws1, ckws2)\n";
  CHECK(Render(SmallPlan(), Format::kMarkdown) == expected);
}

TEST_CASE("markdown table cells cannot be broken by what they quote") {
  PlatformPlan p;
  p.platform = "sc";
  p.type = PlatformType::kScim;
  p.actions = {MakeAction("sc", "a@x.io", Verb::kGrant, {}, Set({"a|b"}), "line\nbreak <b>")};
  const std::string md = Render(Plan{{p}}, Format::kMarkdown);
  CHECK(md.find("| [a\\|b] | line break &lt;b&gt; |") != std::string::npos);
}

TEST_CASE("json plan carries format_version and every field, in a stable order") {
  const std::string text = Render(SmallPlan(), Format::kJson);
  const auto doc = Json::parse(text);
  CHECK(doc["format_version"] == 2);
  std::vector<std::string> top;
  for (const auto& [key, value] : doc.items()) top.push_back(key);
  CHECK(top == std::vector<std::string>{"format_version", "platforms", "summary"});

  REQUIRE(doc["platforms"].size() == 3);
  const auto& ws = doc["platforms"][0];
  std::vector<std::string> keys;
  for (const auto& [key, value] : ws.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"platform", "type", "error", "blocked", "blocked_reason",
                                         "counts", "unmanaged", "actions", "expiring"});
  CHECK(ws["platform"] == "ws");
  CHECK(ws["type"] == "workspace");
  CHECK(ws["error"].is_null());
  CHECK(ws["blocked"] == false);
  CHECK(ws["blocked_reason"].is_null());
  CHECK(ws["unmanaged"] == Json::array({"zoe@acme.io"}));
  const auto& counts = ws["counts"];
  CHECK(counts["desired"] == 3);
  CHECK(counts["live"] == 3);
  CHECK(counts["managed"] == 2);
  CHECK(counts["unmanaged"] == 1);
  CHECK(counts["invite"] == 1);
  CHECK(counts["change"] == 1);
  CHECK(counts["deferred"] == 1);
  CHECK(counts["held"] == 0);
  CHECK(counts["changes"] == 2);

  REQUIRE(ws["actions"].size() == 3);
  const auto& invite = ws["actions"][0];
  std::vector<std::string> action_keys;
  for (const auto& [key, value] : invite.items()) action_keys.push_back(key);
  CHECK(action_keys == std::vector<std::string>{"platform", "email", "action", "user_id", "before",
                                                "after", "reason", "disposition", "drift"});
  CHECK(invite["email"] == "alice@acme.io");
  CHECK(invite["action"] == "invite");
  CHECK(invite["user_id"].is_null());
  CHECK(invite["before"] == Json::object());
  CHECK(invite["after"] == Json{{"single", "DEVELOPER"}});
  CHECK(invite["reason"] == "role engineer");
  CHECK(invite["disposition"] == "apply");
  CHECK(invite["drift"] == false);
  CHECK(ws["actions"][1]["drift"] == true);
  CHECK(ws["actions"][1]["user_id"] == "u-bob");
  CHECK(ws["actions"][2]["disposition"] == "deferred");

  const auto& astra = doc["platforms"][1];
  CHECK(astra["blocked"] == true);
  CHECK(astra["blocked_reason"].get<std::string>().find("refusing to remove them all") !=
        std::string::npos);
  CHECK(astra["actions"][0]["before"] == Json{{"set", {"r1", "r2"}}});
  CHECK(astra["actions"][0]["disposition"] == "held");
  CHECK(astra["counts"]["held"] == 2);

  const auto& astro = doc["platforms"][2];
  CHECK(astro["error"] == "unknown workspace id ckws9 (known: ckws1, ckws2)");
  CHECK(astro["actions"].empty());

  const auto& summary = doc["summary"];
  CHECK(summary["platforms"] == 3);
  CHECK(summary["errors"] == 1);
  CHECK(summary["blocked"] == 1);
  CHECK(summary["invite"] == 1);
  CHECK(summary["held"] == 2);
  CHECK(summary["changes"] == 2);
}

TEST_CASE("ParseFormat accepts the three --format names only") {
  CHECK(ParseFormat("text") == Format::kText);
  CHECK(ParseFormat("json") == Format::kJson);
  CHECK(ParseFormat("markdown") == Format::kMarkdown);
  CHECK_FALSE(ParseFormat("yaml").has_value());
  CHECK_FALSE(ParseFormat("").has_value());
}

TEST_CASE("every verb's name parses back, and the action line has its rune") {
  const std::pair<Verb, char> verbs[] = {
      {Verb::kInvite, '+'}, {Verb::kReinvite, '+'}, {Verb::kAdopt, '='},
      {Verb::kGrant, '~'},  {Verb::kRevoke, '~'},   {Verb::kUpdate, '~'},
      {Verb::kReactivate, '~'}, {Verb::kRetire, '-'}, {Verb::kRemove, '-'}};
  for (const auto& row : verbs) {
    const std::string name = VerbName(row.first);
    CAPTURE(name);
    CHECK(ParseVerb(name) == row.first);
    const Action a = MakeAction("p", "a@x.io", row.first, {}, {}, "why");
    CHECK(ToString(a).rfind(std::string(1, row.second) + " " + name + " a@x.io", 0) == 0);
  }
  CHECK_FALSE(ParseVerb("delete").has_value());
  CHECK(std::string(DispositionName(Disposition::kHeld)) == "held");
  CHECK(std::string(DispositionName(Disposition::kDeferred)) == "deferred");
  CHECK(std::string(DispositionName(Disposition::kApply)) == "apply");
}

}  // namespace
}  // namespace idsync
