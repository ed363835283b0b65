#include "config/export.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <vector>

#include "core/text.h"

namespace idsync {
namespace {

// A role of the exported manifest: its name and the binding it writes.
struct ExportRole {
  std::string name;
  Grants grants;  // one atomic grant
};

std::string Slug(std::string_view text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out += static_cast<char>(std::tolower(u));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "x" : out;
}

// Role values read better without their prefix: SYSTEM_ADMIN -> admin.
std::string RoleWord(std::string_view value) {
  for (std::string_view prefix : {"SYSTEM_", "WORKSPACE_"}) {
    if (value.substr(0, prefix.size()) == prefix) return Slug(value.substr(prefix.size()));
  }
  return Slug(value);
}

// Splits one user's grants into single grants, each a role of the exported manifest.
std::vector<ExportRole> Atoms(const PlatformConfig& p, const Grants& g, const LiveState& live,
                              const std::map<std::string, std::string>& names_by_id) {
  std::vector<ExportRole> out;
  const std::string& prefix = p.name;
  switch (p.type) {
    case PlatformType::kWorkspace:
      if (g.single) out.push_back({prefix + "-" + RoleWord(*g.single), Grants{g.single, {}, {}}});
      break;
    case PlatformType::kHouston:
      if (g.single) out.push_back({prefix + "-system-" + RoleWord(*g.single), Grants{g.single, {}, {}}});
      for (const auto& [ws, role] : g.scoped) {
        auto label = live.catalog.find(ws);
        std::string ws_name = label != live.catalog.end() && !label->second.empty() ? label->second : ws;
        out.push_back({prefix + "-" + Slug(ws_name) + "-" + RoleWord(role), Grants{std::nullopt, {{ws, role}}, {}}});
      }
      break;
    case PlatformType::kAstra:
    case PlatformType::kScim: {
      for (const auto& id : g.set) {
        auto name = names_by_id.find(id);
        std::string shown = name != names_by_id.end() ? name->second : id;
        out.push_back({prefix + "-" + Slug(shown), Grants{std::nullopt, {}, {shown}}});
      }
      if (p.type == PlatformType::kScim && g.set.empty()) out.push_back({prefix + "-member", Grants{}});
      break;
    }
    case PlatformType::kOrgadmin:
      out.push_back({prefix + "-" + Slug(g.single.value_or("user")), Grants{g.single.value_or("user"), {}, {}}});
      for (const auto& group : g.set)
        out.push_back({prefix + "-group-" + Slug(group), Grants{std::nullopt, {}, {group}}});
      break;
  }
  return out;
}

// `groups: [...]` inside a flow map, only when there are any.
void EmitGroups(YAML::Emitter& out, const std::set<std::string>& groups) {
  if (groups.empty()) return;
  out << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
  for (const auto& group : groups) out << YAML::DoubleQuoted << group;
  out << YAML::EndSeq;
}

void EmitBinding(YAML::Emitter& out, PlatformType type, const Grants& g) {
  switch (type) {
    case PlatformType::kWorkspace: out << *g.single; break;
    case PlatformType::kHouston:
      out << YAML::Flow << YAML::BeginMap;
      if (g.single) out << YAML::Key << "system" << YAML::Value << *g.single;
      if (!g.scoped.empty()) {
        out << YAML::Key << "workspaces" << YAML::Value << YAML::BeginMap;
        for (const auto& [ws, role] : g.scoped) out << YAML::Key << ws << YAML::Value << role;
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
      break;
    case PlatformType::kAstra:
      out << YAML::Flow << YAML::BeginSeq;
      for (const auto& r : g.set) out << YAML::DoubleQuoted << r;
      out << YAML::EndSeq;
      break;
    case PlatformType::kOrgadmin:
      out << YAML::Flow << YAML::BeginMap;
      if (g.single) out << YAML::Key << "role" << YAML::Value << *g.single;
      EmitGroups(out, g.set);
      out << YAML::EndMap;
      break;
    case PlatformType::kScim:
      out << YAML::Flow << YAML::BeginMap;
      EmitGroups(out, g.set);
      out << YAML::EndMap;
      break;
  }
}

void EmitPlatform(YAML::Emitter& out, const PlatformConfig& p) {
  out << YAML::Key << p.name << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "type" << YAML::Value << std::string(PlatformTypeName(p.type));
  out << YAML::Key << "url" << YAML::Value << p.url;
  out << YAML::Key << "credentials" << YAML::Value << YAML::BeginMap;
  for (const auto& [key, ref] : p.credentials) {
    out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap
        << YAML::Key << (ref.kind == SecretRef::Kind::kEnv ? "env" : "file") << YAML::Value
        << ref.name << YAML::EndMap;
  }
  out << YAML::EndMap;
  if (p.org) out << YAML::Key << "org" << YAML::Value << *p.org;
  out << YAML::Key << "offboarding" << YAML::Value << std::string(OffboardingName(p.offboarding));
  out << YAML::Key << "unmanaged" << YAML::Value << std::string(UnmanagedPolicyName(p.unmanaged));
  if (p.max_removals) {
    long long v = static_cast<long long>(p.max_removals->value);
    if (p.max_removals->percent)
      out << YAML::Key << "max_removals" << YAML::Value << (std::to_string(v) + "%");
    else
      out << YAML::Key << "max_removals" << YAML::Value << v;
  }
  if (p.rate_limit) out << YAML::Key << "rate_limit" << YAML::Value << p.rate_limit->text;
  out << YAML::Key << "concurrency" << YAML::Value << p.concurrency;
  out << YAML::Key << "timeout" << YAML::Value << FormatDuration(p.timeout);
  if (p.ca_file) {
    out << YAML::Key << "tls" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
        << "ca_file" << YAML::Value << *p.ca_file << YAML::EndMap;
  }
  if (p.insecure_http) out << YAML::Key << "insecure_http" << YAML::Value << true;
  if (p.type == PlatformType::kOrgadmin)
    out << YAML::Key << "reassert_interval" << YAML::Value << FormatDuration(p.reassert_interval);
  out << YAML::EndMap;
}

// What an export writes: a role per distinct binding, each exportable user with the
// names of its roles, and a comment for each account that cannot be exported.
struct ExportContent {
  std::map<std::string, Grants> roles;  // name -> binding
  struct User {
    const std::string* email;
    const LiveUser* live;
    std::vector<std::string> roles;
  };
  std::vector<User> users;
  std::vector<std::string> comments;
};

ExportContent CollectExport(const PlatformConfig& platform, const LiveState& live) {
  const auto names_by_id = NamesById(live.catalog);
  ExportContent content;
  auto& roles = content.roles;
  auto& users = content.users;
  auto& comments = content.comments;
  std::map<std::string, std::string> name_of;  // ToString(binding) -> name
  for (const auto& [email, u] : live.users) {
    if (email.rfind("userId:", 0) == 0) {
      comments.push_back("unmanaged member " + email.substr(7) + (u.name ? " (" + *u.name + ")" : "") +
                         ": no email is readable");
      continue;
    }
    if (u.status == LiveStatus::kExpired) {
      comments.push_back("expired invitation: " + email + " (invite again by listing the user)");
      continue;
    }
    std::vector<ExportRole> atoms = Atoms(platform, u.grants, live, names_by_id);
    if (u.status == LiveStatus::kRetired || atoms.empty()) {
      comments.push_back("retired: " + email + " (holds nothing; list the user to grant again)");
      continue;
    }
    std::vector<std::string> names;
    for (auto& atom : atoms) {
      // Two bindings that slug alike (two workspaces with one label) get -2, -3, ...
      auto [it, fresh] = name_of.emplace(ToString(atom.grants), atom.name);
      if (fresh) {
        for (int n = 2; roles.count(it->second); ++n) it->second = atom.name + "-" + std::to_string(n);
        roles.emplace(it->second, atom.grants);
      }
      names.push_back(it->second);
    }
    users.push_back({&email, &u, std::move(names)});
  }
  return content;
}

}  // namespace

std::string ExportManifest(const PlatformConfig& platform, const LiveState& live,
                           const ExportOptions& options) {
  const ExportContent content = CollectExport(platform, live);
  const auto& roles = content.roles;
  const auto& users = content.users;
  const auto& comments = content.comments;
  YAML::Emitter out;
  out << YAML::Comment("Exported by `idsync export` from platform " + platform.name +
                       (options.generated_at.empty() ? "" : " at " + options.generated_at) +
                       (options.partial ? "; partial: this platform cannot list its members" : ""));
  out << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << 1;
  out << YAML::Key << "platforms" << YAML::Value << YAML::BeginMap;
  EmitPlatform(out, platform);
  out << YAML::EndMap;
  out << YAML::Key << "roles" << YAML::Value << YAML::BeginMap;
  for (const auto& [name, grants] : roles) {
    out << YAML::Key << name << YAML::Value << YAML::BeginMap << YAML::Key << platform.name
        << YAML::Value;
    EmitBinding(out, platform.type, grants);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  out << YAML::Key << "users" << YAML::Value << YAML::BeginSeq;
  for (const auto& [email, u, names] : users) {
    out << YAML::BeginMap << YAML::Key << "email" << YAML::Value << *email;
    if (u->name && !u->name->empty()) out << YAML::Key << "name" << YAML::Value << *u->name;
    out << YAML::Key << "roles" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& n : names) out << n;
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;
  std::string text = out.c_str();
  for (const auto& c : comments) text += "\n# " + c;
  if (!comments.empty()) text += "\n";
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

}  // namespace idsync
