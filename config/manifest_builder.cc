#include "config/manifest_builder.h"

#include "config/binding.h"
#include "config/expiry.h"
#include "config/platform_config.h"

namespace idsync {
namespace {

// Reports `name` defined at `here` when it already was at `first`.
void Redefined(YamlReader& r, NodeId here, std::string_view what, const std::string& name,
               const SourceMark& first) {
  r.Error(here, std::string(what) + " \"" + name + "\" is already defined at " +
                    YamlReader::Where(first));
}

// Registers every key of `section` in `into` as make(name, mark), reporting a name
// already there (from this file or an earlier one) at the repeat.
template <typename T, typename Make>
void RegisterNames(YamlReader& r, const Mapping& section, std::string_view what,
                   std::map<std::string, T>& into, Make make) {
  for (const auto& e : section.entries) {
    std::string name(e.key);
    if (auto it = into.find(name); it != into.end()) {
      Redefined(r, e.key_node, what, name, it->second.mark);
      continue;
    }
    into.emplace(name, make(name, r.Mark(e.key_node)));
  }
}

// Calls parse(item, body) for every entry of `section` that defined its item (not a
// redefinition, already reported) and whose value is a mapping (else reported).
template <typename T, typename Parse>
void ForEachBody(YamlReader& r, const Mapping& section, std::map<std::string, T>& defined,
                 Parse parse) {
  for (const auto& e : section.entries) {
    T& item = defined[std::string(e.key)];
    if (item.mark != r.Mark(e.key_node)) continue;  // a redefinition, already reported
    if (auto body = r.Map(e.value)) parse(item, *body);
  }
}

}  // namespace

void ManifestBuilder::Add(YamlTree tree) {
  FileDoc doc{std::move(tree), std::nullopt, std::nullopt, std::nullopt, std::move(stream_->batch)};
  stream_->batch = UserBatch();
  YamlReader r(doc.tree, diags_);
  auto top = r.Map(doc.tree.root());
  if (!top) return;
  top->mark = SourceMark{doc.tree.file(), 1, 1};
  r.CheckKeys(*top, {"version", "platforms", "roles", "groups", "users"});
  if (const auto* v = r.Require(*top, "version")) {
    if (auto text = r.String(v->value); text && *text != "1")
      r.Error(v->value, "unsupported version \"" + *text + "\"; expected version: 1");
  }
  if (const auto* e = top->Find("platforms")) {
    if (auto platforms = r.Map(e->value)) AddPlatforms(r, *platforms);
  }
  if (const auto* e = top->Find("roles")) {
    doc.roles = r.Map(e->value);
    if (doc.roles) RegisterRoles(r, *doc.roles);
  }
  if (const auto* e = top->Find("groups")) {
    doc.groups = r.Map(e->value);
    if (doc.groups) RegisterGroups(r, *doc.groups);
  }
  if (const auto* e = top->Find("users")) doc.users = e->value;
  docs_.push_back(std::move(doc));
}

void ManifestBuilder::AddPlatforms(YamlReader& r, const Mapping& platforms) {
  for (const auto& e : platforms.entries) {
    ParsedPlatform parsed = ParsePlatform(r, e.key_node, e.value);
    const std::string& name = parsed.config.name;
    if (auto it = manifest_.platforms.find(name); it != manifest_.platforms.end()) {
      Redefined(r, e.key_node, "platform", name, it->second.mark);
      continue;
    }
    if (!parsed.type_known) untyped_platforms_.insert(name);
    manifest_.platforms.emplace(name, std::move(parsed.config));
  }
}

void ManifestBuilder::RegisterRoles(YamlReader& r, const Mapping& roles) {
  RegisterNames(r, roles, "role", manifest_.roles,
                [](std::string name, SourceMark mark) { return Role{name, {}, mark}; });
}

void ManifestBuilder::RegisterGroups(YamlReader& r, const Mapping& groups) {
  RegisterNames(r, groups, "group", manifest_.groups,
                [](std::string name, SourceMark mark) { return Group{name, {}, {}, mark}; });
}

void ManifestBuilder::ParseRoles(YamlReader& r, const Mapping& roles) {
  ForEachBody(r, roles, manifest_.roles, [&](Role& role, const Mapping& body) {
    for (const auto& b : body.entries) {
      std::string platform(b.key);
      auto it = manifest_.platforms.find(platform);
      if (it == manifest_.platforms.end()) {
        std::vector<std::string> known;
        for (const auto& [name, p] : manifest_.platforms) known.push_back(name);
        r.Error(b.key_node, "unknown platform \"" + platform + "\"; known platforms: " +
                                JoinNames(known));
        continue;
      }
      if (untyped_platforms_.count(platform)) continue;
      if (auto grants = ParseBinding(r, it->second.type, b.value))
        role.bindings[platform] = std::move(*grants);
    }
  });
}

void ManifestBuilder::ParseGroups(YamlReader& r, const Mapping& groups) {
  ForEachBody(r, groups, manifest_.groups, [&](Group& group, const Mapping& body) {
    r.CheckKeys(body, {"roles", "groups"});
    if (const auto* roles = body.Find("roles")) {
      for (auto& [name, node] : r.StringItems(roles->value)) {
        if (!manifest_.roles.count(name)) {
          r.Error(node, "unknown role \"" + name + "\"");
          continue;
        }
        group.roles.push_back(std::move(name));
      }
    }
    if (const auto* groups = body.Find("groups")) {
      for (auto& m : ReadMemberships(r, groups->value, "group", /*allow_expiry=*/false, names_)) {
        if (manifest_.groups.count(m.name)) group.groups.push_back(std::move(m));
        else r.Error(m.mark, "unknown group \"" + m.name.str() + "\"");
      }
    }
  });
}

// One error per cycle, at its first edge, naming every edge's position.
void ManifestBuilder::CheckGroupCycles() {
  for (const auto& cycle : FindGroupCycles(manifest_.groups))
    diags_.push_back({cycle.edges.front(), Describe(cycle)});
}

std::optional<Manifest> ManifestBuilder::Build(std::vector<std::string> files, std::string digest) {
  for (auto& doc : docs_) {
    YamlReader r(doc.tree, diags_);
    if (doc.roles) ParseRoles(r, *doc.roles);
    if (doc.groups) ParseGroups(r, *doc.groups);
  }
  CheckGroupCycles();
  group_roles_.emplace(manifest_.groups);
  for (auto& doc : docs_) {
    {
      YamlReader r(doc.tree, diags_);
      if (doc.users) ParseUsers(r, *doc.users, doc.batch);
    }
    doc.tree = YamlTree();
    FinishUsers(doc.batch);
  }
  CheckDuplicateEmails();
  if (!diags_.empty()) return std::nullopt;
  manifest_.files = std::move(files);
  manifest_.digest = std::move(digest);
  return std::move(manifest_);
}

}  // namespace idsync
