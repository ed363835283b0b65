// history and status: read the state DB, no network.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "daemon/apply/locks.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/cli/table.h"
#include "state/store.h"

namespace idsync {
namespace {

StatusOr<std::unique_ptr<Store>> OpenExisting(const std::string& path, Env& env) {
  std::error_code ec;
  if (!IsPostgresState(path) && !std::filesystem::exists(path, ec)) {
    std::cerr << "error: state DB " << path
              << " does not exist (nothing applied yet? use --state or IDSYNC_STATE)\n";
    return NotFound("no state DB");
  }
  auto store = env.OpenStore(path, StoreAccess::kReadOnly);  // readers never write (SPEC §4)
  if (!store.ok()) std::cerr << "error: " << store.status().message() << '\n';
  return store;
}

bool ValidTableFormat(const std::string& format) {
  if (format == "table" || format == "json") return true;
  std::cerr << "error: --format " << format << ": expected table or json\n";
  return false;
}

// The state at `path`, read-only, for a reader asked for `format`; null once it has
// printed why not (a bad --format, no such state, or the store's error).
std::unique_ptr<Store> OpenForReading(const std::string& format, const std::string& path, Env& env) {
  if (!ValidTableFormat(format)) return nullptr;
  auto store = OpenExisting(path, env);
  return store.ok() ? std::move(store).value() : nullptr;
}

// Prints a failed read of the state; true when `status` is not OK.
bool ReadFailed(const Status& status) {
  if (status.ok()) return false;
  std::cerr << "error: " << status.message() << '\n';
  return true;
}

}  // namespace

int CmdHistory(const HistoryArgs& args, Env& env) {
  std::unique_ptr<Store> store = OpenForReading(args.format, args.state, env);
  if (!store) return kExitError;
  HistoryQuery q;
  if (args.user) q.email = NormalizeEmail(*args.user);
  q.platform = args.platform;
  q.limit = args.limit;
  auto entries = store->History(q);
  if (ReadFailed(entries.status())) return kExitError;
  if (args.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : *entries)
      out.push_back({{"id", e.id}, {"run_id", e.run_id}, {"platform", e.platform},
                     {"email", e.email}, {"action", e.action}, {"status", JournalStatusName(e.status)},
                     {"attempts", e.attempts}, {"error", e.error},
                     {"created_at", FormatTime(e.created_at)}, {"updated_at", FormatTime(e.updated_at)}});
    std::cout << out.dump(2) << '\n';
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : *entries)
    rows.push_back({FormatTime(e.updated_at), std::to_string(e.run_id), e.platform, e.email,
                    e.action, JournalStatusName(e.status), std::to_string(e.attempts), e.error});
  std::cout << RenderTable({"TIME", "RUN", "PLATFORM", "USER", "ACTION", "STATUS", "ATTEMPTS", "ERROR"},
                           rows);
  return kExitOk;
}

int CmdStatus(const StatusArgs& args, Env& env) {
  std::unique_ptr<Store> store = OpenForReading(args.format, args.state, env);
  if (!store) return kExitError;
  auto statuses = store->PlatformStatuses();
  if (ReadFailed(statuses.status())) return kExitError;
  if (args.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : *statuses)
      out.push_back({{"platform", s.platform}, {"run_id", s.run_id}, {"at", FormatTime(s.at)},
                     {"result", s.result}, {"succeeded", s.actions_succeeded},
                     {"failed", s.actions_failed}, {"deferred", s.actions_deferred},
                     {"held", s.actions_held}, {"managed", s.managed},
                     {"unmanaged", s.unmanaged}, {"drift", s.drift}, {"error", s.error}});
    std::cout << out.dump(2) << '\n';
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : *statuses)
    rows.push_back({s.platform, FormatTime(s.at), s.result, std::to_string(s.actions_succeeded),
                    std::to_string(s.actions_failed), std::to_string(s.actions_deferred),
                    std::to_string(s.actions_held), std::to_string(s.managed),
                    std::to_string(s.unmanaged), std::to_string(s.drift), s.error});
  std::cout << RenderTable({"PLATFORM", "LAST RUN", "RESULT", "OK", "FAILED", "DEFERRED", "HELD",
                            "MANAGED", "UNMANAGED", "DRIFT", "ERROR"},
                           rows);
  return kExitOk;
}

}  // namespace idsync
