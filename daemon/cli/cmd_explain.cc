// `idsync explain EMAIL` (SPEC §4): gathers the manifest, a read-only view of the state
// and, with --live, each platform's listing and plan; config/explain.h decides what it
// means; this file prints it. Never locks, never creates or writes the state: an
// existing SQLite state is read through a private copy.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "config/explain.h"
#include "config/groups.h"
#include "config/loader.h"
#include "config/resolve.h"
#include "core/text.h"
#include "daemon/apply/session.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/cli/table.h"
#include "daemon/env.h"
#include "reconcile/grants_json_value.h"

namespace idsync {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// The state, read-only: a PostgreSQL URI is opened as is; a SQLite file (and its WAL)
// is copied to a scratch directory first; no file: no state (nullptr).
struct StateView {
  std::unique_ptr<Store> store;
  fs::path scratch;
  ~StateView() {
    store.reset();
    std::error_code ec;
    if (!scratch.empty()) fs::remove_all(scratch, ec);
  }
};

Status OpenStateView(const std::string& state, StateView& view, Env& env) {
  std::error_code ec;
  if (state.rfind("postgres", 0) != 0 && !fs::exists(state, ec)) return Status();
  std::string path = state;
  if (state.rfind("postgres", 0) != 0) {
    std::string dir = (fs::temp_directory_path() / "idsync-explain-XXXXXX").string();
    if (!mkdtemp(dir.data())) return Internal("explain: cannot create a scratch directory");
    view.scratch = dir;
    path = (view.scratch / "state.db").string();
    fs::copy_file(state, path, ec);
    if (!ec && fs::exists(state + "-wal")) fs::copy_file(state + "-wal", path + "-wal", ec);
    if (ec) return Internal("explain: cannot read the state " + state + ": " + ec.message());
  }
  // A PostgreSQL state is read through a read-only session; a SQLite copy is private.
  auto store = env.OpenStore(path, view.scratch.empty() ? StoreAccess::kReadOnly
                                                        : StoreAccess::kReadWrite);
  if (!store.ok()) return store.status();
  view.store = std::move(*store);
  return Status();
}

// The user's record and journal from the state (when there is one).
Status ReadState(Store& store, const Manifest& manifest, ExplainInput& in) {
  const std::string email = NormalizeEmail(in.email);
  for (const auto& [name, p] : manifest.platforms) {
    auto managed = store.Managed(name);
    if (!managed.ok()) return managed.status();
    if (auto it = managed->find(email); it != managed->end()) in.managed[name] = it->second;
  }
  auto history = store.History(HistoryQuery{.email = email, .platform = std::nullopt, .limit = 10});
  if (!history.ok()) return history.status();
  for (const auto& e : *history)
    in.journal.push_back({e.platform, e.action, JournalStatusName(e.status), e.error, e.updated_at});
  return Status();
}

// --live: lists and plans each selected platform (never applying), keeping this user.
void ReadLive(const Manifest& manifest, const std::map<std::string, DesiredUsers>& desired,
              const std::vector<std::string>& selected, Store& store, ExplainInput& in,
              Env& env) {
  const std::string email = NormalizeEmail(in.email);
  static const DesiredUsers kNone;
  for (const auto& [name, config] : manifest.platforms) {
    if (!selected.empty() && std::find(selected.begin(), selected.end(), name) == selected.end())
      continue;
    ExplainLive& live = in.live[name];
    live.policy = "offboarding: " + std::string(OffboardingName(config.offboarding)) +
                  "; unmanaged: " + std::string(UnmanagedPolicyName(config.unmanaged));
    auto connection = Connect(config, env);
    if (!connection.ok()) {
      live.error = connection.status().message();
      continue;
    }
    auto it = desired.find(name);
    const DesiredUsers& users = it == desired.end() ? kNone : it->second;
    auto managed = store.Managed(name);
    auto listing = managed.ok() ? ListPlatform(config, users, *managed, *connection->connector, store)
                                : StatusOr<LiveState>(managed.status());
    if (!listing.ok()) {
      live.error = listing.status().message();
      continue;
    }
    if (auto u = listing->users.find(email); u != listing->users.end()) live.user = u->second;
    ReconcileOptions options;  // plan only, from the listing above (one list request)
    options.listed = &*listing;
    PlatformOutcome outcome = ReconcilePlatform(config, users, *connection->connector, store,
                                                options, env);
    live.error = outcome.plan.error.message();
    for (const auto& a : outcome.plan.actions)
      if (a.email == email) live.plan.push_back(ToString(a));
  }
}

std::string Expires(const std::optional<Expiry>& e, const std::string& what) {
  return e ? "expires " + e->text + (what.empty() ? "" : " (" + what + ")") : "";
}

void PrintText(const Explanation& x) {
  std::cout << x.email << ": " << x.summary;
  if (x.listed) std::cout << " (" << ToString(*x.listed) << ")";
  if (x.suspended) std::cout << "; suspended";
  if (x.expires) std::cout << "; " << Expires(x.expires, "");
  std::cout << '\n';
  for (const auto& p : x.platforms) {
    std::cout << '\n' << p.platform << ": " << p.verdict << '\n';
    for (const auto& r : p.roles) {
      std::cout << "  role " << r.role << " \u2192 " << r.grants << "  "
                << (r.path.empty() ? "listed by the user" : "via group " + JoinPath(r.path));
      if (r.expires) std::cout << "; " << (r.expired ? "expired " + r.expires->text : Expires(r.expires, r.expires_what));
      std::cout << '\n';
    }
    if (p.grants) {
      std::cout << "  wants: " << ToString(*p.grants);
      if (!p.single_from.empty())
        std::cout << " (" << *p.grants->single << " from role " << p.single_from
                  << (p.single_via.empty() ? "" : " via group " + p.single_via) << ")";
      std::cout << '\n';
    }
    for (const auto& s : p.upcoming)
      std::cout << "  expiring: " << s.text << " (" << s.what << ", " << FormatTime(s.at) << "): then "
                << (s.grants ? ToString(*s.grants) : "off " + p.platform) << '\n';
    if (p.managed)
      std::cout << "  last applied: " << (p.managed->retired ? "retired" : ToString(p.managed->grants))
                << (p.last_applied_at ? " at " + FormatTime(p.last_applied_at) : "") << '\n';
    else
      std::cout << "  last applied: nothing (not managed by idsync)\n";
    if (!p.live) continue;
    if (!p.live->error.empty()) {
      std::cout << "  live: error: " << p.live->error << '\n';
      continue;
    }
    std::cout << "  live: "
              << (p.live->user ? std::string(LiveStatusName(p.live->user->status)) + " " +
                                     ToString(p.live->user->grants)
                               : "absent")
              << '\n';
    if (p.live->plan.empty()) std::cout << "  plan: no changes\n";
    for (const auto& line : p.live->plan) std::cout << "  plan: " << line << '\n';
  }
  std::cout << "\njournal (newest first):" << (x.journal.empty() ? " nothing recorded\n" : "\n");
  for (const auto& j : x.journal)
    std::cout << "  " << FormatTime(j.at) << "  " << j.platform << "  " << j.action << "  "
              << j.status << (j.error.empty() ? "" : ": " + j.error) << '\n';
}

Json ExpiryJson(const std::optional<Expiry>& e) {
  return e ? Json{{"expires", e->text}, {"at", e->at}} : Json(nullptr);
}

Json PlatformJson(const ExplainPlatform& p) {
  Json roles = Json::array();
  for (const auto& r : p.roles)
    roles.push_back(Json{{"role", r.role}, {"via_groups", r.path}, {"binding", r.grants},
                         {"expiry", ExpiryJson(r.expires)},
                         {"expiry_of", r.expires_what.empty() ? Json(nullptr) : Json(r.expires_what)},
                         {"expired", r.expired}});
  Json upcoming = Json::array();
  for (const auto& s : p.upcoming)
    upcoming.push_back(Json{{"expires", s.text}, {"at", s.at}, {"what", s.what},
                            {"then", s.grants ? GrantsToJsonValue(*s.grants) : Json(nullptr)}});
  Json out{{"platform", p.platform}, {"verdict", p.verdict}, {"desired", p.desired},
           {"roles", roles},
           {"grants", p.grants ? GrantsToJsonValue(*p.grants) : Json(nullptr)},
           {"single_from", p.single_from.empty() ? Json(nullptr) : Json(p.single_from)},
           {"single_via", p.single_via.empty() ? Json(nullptr) : Json(p.single_via)},
           {"expiring", upcoming}};
  out["last_applied"] = p.managed ? Json{{"grants", GrantsToJsonValue(p.managed->grants)},
                                         {"retired", p.managed->retired},
                                         {"at", p.last_applied_at ? Json(p.last_applied_at) : Json(nullptr)}}
                                  : Json(nullptr);
  if (p.live) {
    Json live{{"error", p.live->error.empty() ? Json(nullptr) : Json(p.live->error)}};
    live["status"] = p.live->user ? Json(LiveStatusName(p.live->user->status)) : Json(nullptr);
    live["grants"] = p.live->user ? GrantsToJsonValue(p.live->user->grants) : Json(nullptr);
    live["plan"] = p.live->plan;
    out["live"] = std::move(live);
  }
  return out;
}

void PrintJson(const Explanation& x) {
  Json platforms = Json::array();
  for (const auto& p : x.platforms) platforms.push_back(PlatformJson(p));
  Json journal = Json::array();
  for (const auto& j : x.journal)
    journal.push_back(Json{{"at", j.at}, {"platform", j.platform}, {"action", j.action},
                           {"status", j.status}, {"error", j.error.empty() ? Json(nullptr) : Json(j.error)}});
  Json out{{"email", x.email}, {"summary", x.summary},
           {"listed_at", x.listed ? Json(ToString(*x.listed)) : Json(nullptr)},
           {"suspended", x.suspended}, {"expiry", ExpiryJson(x.expires)},
           {"platforms", platforms}, {"journal", journal}};
  std::cout << out.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace

int CmdExplain(const ExplainArgs& args, Env& env) {
  if (args.format != "text" && args.format != "json") {
    std::cerr << "error: --format " << args.format << ": expected text or json\n";
    return kExitError;
  }
  LoadResult loaded = LoadManifest(args.manifest.files);
  for (const auto& d : loaded.diagnostics) std::cerr << ToString(d) << '\n';
  if (!loaded.ok()) return kExitError;
  const Manifest& manifest = *loaded.manifest;
  for (const auto& name : args.manifest.platforms) {
    if (manifest.platforms.count(name)) continue;
    std::cerr << "error: --platform " << name << ": no such platform in the manifest\n";
    return kExitError;
  }
  const auto desired = ResolveDesired(manifest);
  ExplainInput in;
  in.email = args.email;
  in.platforms = args.manifest.platforms;
  in.now = env.NowUnix();
  StateView state;
  Status opened = OpenStateView(args.manifest.state, state, env);
  if (opened.ok() && state.store) opened = ReadState(*state.store, manifest, in);
  if (!opened.ok()) {
    std::cerr << "error: state: " << opened.message() << '\n';
    return kExitError;
  }
  if (args.live) {
    if (!state.store) {  // no state: plan against an empty one, in the scratch directory
      state.scratch = fs::temp_directory_path() / ("idsync-explain-" + std::to_string(getpid()));
      fs::create_directories(state.scratch);
      auto empty = env.OpenStore((state.scratch / "empty.db").string(), StoreAccess::kReadWrite);
      if (!empty.ok()) {
        std::cerr << "error: " << empty.status().message() << '\n';
        return kExitError;
      }
      state.store = std::move(*empty);
    }
    ReadLive(manifest, desired, args.manifest.platforms, *state.store, in, env);
  }
  const Explanation x = Explain(manifest, desired, in);
  if (args.format == "json") PrintJson(x); else PrintText(x);
  return kExitOk;
}

}  // namespace idsync
