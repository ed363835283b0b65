#include "config/binding.h"

#include <cctype>

namespace idsync {
namespace {

// Checks `text` is one of `valid`; otherwise reports it with the list of valid values.
bool CheckEnum(YamlReader& r, NodeId at, std::string_view what, const std::string& text,
               const std::vector<std::string>& valid) {
  for (const auto& v : valid)
    if (v == text) return true;
  r.Error(at, "invalid " + std::string(what) + " \"" + text + "\"; valid: " + JoinNames(valid));
  return false;
}

std::optional<Grants> Workspace(YamlReader& r, NodeId value) {
  if (r.tree().kind(value) != NodeKind::kScalar) {
    r.String(value);  // reports the mismatch
    return std::nullopt;
  }
  std::string type(r.tree().text(value));
  if (!CheckEnum(r, value, "workspace account type", type, SingleValues(PlatformType::kWorkspace)))
    return std::nullopt;
  Grants g;
  g.single = type;
  return g;
}

std::optional<Grants> Houston(YamlReader& r, NodeId value) {
  auto map = r.Map(value);
  if (!map) return std::nullopt;
  r.CheckKeys(*map, {"system", "workspaces"});
  bool ok = true;
  Grants g;
  if (const auto* e = map->Find("system")) {
    auto role = r.String(e->value);
    if (role && CheckEnum(r, e->value, "houston system role", *role,
                          SingleValues(PlatformType::kHouston)))
      g.single = *role;
    else
      ok = false;
  }
  if (const auto* e = map->Find("workspaces")) {
    auto workspaces = r.Map(e->value);
    if (!workspaces) ok = false;
    for (const auto& ws : workspaces ? workspaces->entries : std::vector<Mapping::Entry>{}) {
      auto role = r.String(ws.value);
      if (role && CheckEnum(r, ws.value, "houston workspace role", *role,
                            ScopedValues(PlatformType::kHouston)))
        g.scoped[std::string(ws.key)] = *role;
      else
        ok = false;
    }
  }
  if (!ok) return std::nullopt;
  if (g.empty()) {
    r.Error(map->mark, "a houston binding needs system or at least one workspace");
    return std::nullopt;
  }
  return g;
}

std::optional<Grants> Astra(YamlReader& r, NodeId value) {
  if (r.tree().kind(value) != NodeKind::kSeq) {
    r.Error(value, "expected a non-empty list of astra role names or ids, got " +
                       std::string(YamlTree::KindName(r.tree().kind(value))));
    return std::nullopt;
  }
  auto items = r.Seq(value);
  bool ok = items && !items->empty();
  if (items && items->empty()) r.Error(value, "an astra binding needs at least one role");
  Grants g;
  for (NodeId item : items ? *items : std::vector<NodeId>{}) {
    auto name = r.String(item);
    if (name && !name->empty())
      g.set.insert(*name);
    else {
      if (name) r.Error(item, "an astra role name must not be empty");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return g;
}

// The `groups` list of an orgadmin or scim binding; uuids checked when `uuids`.
bool Groups(YamlReader& r, const Mapping& map, bool uuids, Grants& g) {
  const auto* e = map.Find("groups");
  if (!e) return true;
  auto items = r.Seq(e->value);
  if (!items) return false;
  bool ok = true;
  for (NodeId item : *items) {
    auto name = r.String(item);
    if (!name) {
      ok = false;
    } else if (uuids && !IsUuid(*name)) {
      r.Error(item, "invalid orgadmin group id \"" + *name + "\"; expected a UUID");
      ok = false;
    } else if (name->empty()) {
      r.Error(item, "a group name must not be empty");
      ok = false;
    } else {
      g.set.insert(*name);
    }
  }
  return ok;
}

std::optional<Grants> Orgadmin(YamlReader& r, NodeId value) {
  auto map = r.Map(value);
  if (!map) return std::nullopt;
  r.CheckKeys(*map, {"role", "groups"});
  Grants g;
  g.single = "user";
  bool ok = true;
  if (const auto* e = map->Find("role")) {
    auto role = r.String(e->value);
    if (role && CheckEnum(r, e->value, "orgadmin role", *role, {"user", "admin"}))
      g.single = *role;
    else
      ok = false;
  }
  if (!Groups(r, *map, /*uuids=*/true, g)) ok = false;
  if (!ok) return std::nullopt;
  return g;
}

std::optional<Grants> Scim(YamlReader& r, NodeId value) {
  auto map = r.Map(value);
  if (!map) return std::nullopt;
  r.CheckKeys(*map, {"groups"});
  Grants g;
  if (!Groups(r, *map, /*uuids=*/false, g)) return std::nullopt;
  return g;
}

}  // namespace

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::optional<Grants> ParseBinding(YamlReader& reader, PlatformType type, NodeId value) {
  switch (type) {
    case PlatformType::kWorkspace: return Workspace(reader, value);
    case PlatformType::kHouston: return Houston(reader, value);
    case PlatformType::kAstra: return Astra(reader, value);
    case PlatformType::kOrgadmin: return Orgadmin(reader, value);
    case PlatformType::kScim: return Scim(reader, value);
  }
  return std::nullopt;
}

}  // namespace idsync
