// Builds one Manifest from several parsed files (SPEC §2): sections merged across
// files, names defined twice reported with both places, references checked.
//
// Use: Add() every file (in path order), then Build(). Diagnostics go to the vector
// given at construction; Build() returns the manifest only when there were none.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/groups.h"
#include "config/manifest.h"
#include "config/yaml_read.h"
#include "config/yaml_tree.h"

namespace idsync {

class ManifestBuilder {
 public:
  explicit ManifestBuilder(std::vector<Diagnostic>& diags) : diags_(diags) {}

  // Takes a parsed file; checks its top level and registers its platforms, roles and
  // groups by name.
  void Add(YamlTree tree);
  // Parses role and group bodies, then users, cross-checks, and returns the manifest,
  // or nullopt when any diagnostic (from any stage) exists.
  std::optional<Manifest> Build(std::vector<std::string> files, std::string digest);

 private:
  struct FileDoc {
    YamlTree tree;
    std::optional<Mapping> roles, groups;
    std::optional<NodeId> users;
  };

  void AddPlatforms(YamlReader& r, const Mapping& platforms);
  void RegisterRoles(YamlReader& r, const Mapping& roles);
  void RegisterGroups(YamlReader& r, const Mapping& groups);
  void ParseRoles(YamlReader& r, const Mapping& roles);
  void ParseGroups(YamlReader& r, const Mapping& groups);
  void ParseUsers(YamlReader& r, NodeId users);
  void ParseUser(YamlReader& r, NodeId item);
  void CheckGroupCycles();
  void CheckDuplicateEmails();
  // The orgadmin platform a user's effective roles bind, if any (for the name check).
  std::optional<std::string> OrgadminPlatformOf(const User& user) const;

  std::vector<Diagnostic>& diags_;
  std::vector<FileDoc> docs_;
  Manifest manifest_;
  std::set<std::string> untyped_platforms_;
  std::optional<GroupRoles> group_roles_;  // once groups are parsed  // `type` missing/invalid: bindings unchecked
};

}  // namespace idsync
