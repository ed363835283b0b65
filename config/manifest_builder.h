// Builds one Manifest from several parsed files (SPEC §2): sections merged across
// files, names defined twice reported with both places, references checked.
//
// Use: for every file (in path order) parse it with Users() as ParseYaml's sink, then
// Add() the tree; then Build(). The users of a file are read as the parser meets them
// (the tree never holds them all); what needs every file's roles and groups (unknown
// names, the orgadmin name check) waits for Build(). Diagnostics go to the vector given
// at construction; Build() returns the manifest only when there were none.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/groups.h"
#include "config/manifest.h"
#include "config/yaml_read.h"
#include "config/yaml_tree.h"

namespace idsync {

class ManifestBuilder {
 public:
  explicit ManifestBuilder(std::vector<Diagnostic>& diags);
  ~ManifestBuilder();

  // The sink for the next file's `users:` items (see SeqItemSink); what it received is
  // kept by the next Add(), forgotten by the next parse. `file_size` (bytes) sizes the
  // batch: users are read one after another, and regrowing a million of them would
  // copy them and hold twice the memory.
  SeqItemSink* Users(std::size_t file_size);
  // Takes a parsed file (and the users streamed from it); checks its top level and
  // registers its platforms, roles and groups by name.
  void Add(YamlTree tree);
  // Parses role and group bodies, then users, cross-checks, and returns the manifest,
  // or nullopt when any diagnostic (from any stage) exists.
  std::optional<Manifest> Build(std::vector<std::string> files, std::string digest);

 private:
  // Users read from one file, before the checks that need every file.
  struct UserBatch {
    std::vector<User> users;     // with a valid email, in file order
    std::vector<User> rejected;  // invalid email: checked, never kept
    std::vector<Diagnostic> diags;
  };
  // Streams a file's `users:` items into the batch of the file being parsed.
  class UserStream : public SeqItemSink {
   public:
    explicit UserStream(ManifestBuilder& builder) : builder_(builder) {}
    std::string_view Key() const override { return "users"; }
    void Restart() override {
      batch = UserBatch();
      batch.users.reserve(expected_users);
    }
    void Item(const YamlTree& tree, NodeId item) override {
      YamlReader r(tree, batch.diags);
      builder_.ParseUser(r, item, batch);
    }
    UserBatch batch;
    std::size_t expected_users = 0;

   private:
    ManifestBuilder& builder_;
  };
  struct FileDoc {
    YamlTree tree;
    std::optional<Mapping> roles, groups;
    std::optional<NodeId> users;
    UserBatch batch;
  };

  void AddPlatforms(YamlReader& r, const Mapping& platforms);
  void RegisterRoles(YamlReader& r, const Mapping& roles);
  void RegisterGroups(YamlReader& r, const Mapping& groups);
  void ParseRoles(YamlReader& r, const Mapping& roles);
  void ParseGroups(YamlReader& r, const Mapping& groups);
  void ParseUsers(YamlReader& r, NodeId users, UserBatch& out);
  void ParseUser(YamlReader& r, NodeId item, UserBatch& out);
  // The checks of a batch that need every file's roles and groups; keeps its users.
  void FinishUsers(UserBatch& batch);
  void CheckReferences(User& user);
  void CheckGroupCycles();
  void CheckDuplicateEmails();
  // The orgadmin platform a user's effective roles bind, if any (for the name check).
  const std::string* OrgadminPlatformOf(const User& user);
  const std::string* OrgadminPlatformOfRole(const std::string& role) const;
  // What CheckReferences needs of a role or group name a user lists, worked out once
  // per name: user memberships are interned in names_, so the text's address is the
  // name (roles and groups apart: a role and a group may share a name).
  struct NameFacts {
    bool defined = false;
    const std::string* orgadmin = nullptr;  // the orgadmin platform it binds first
  };
  const NameFacts& RoleFacts(const SharedString& name);
  const NameFacts& GroupFacts(const SharedString& name);

  std::vector<Diagnostic>& diags_;
  std::vector<FileDoc> docs_;
  Manifest manifest_;
  std::set<std::string> untyped_platforms_;
  std::optional<GroupRoles> group_roles_;  // once groups are parsed  // `type` missing/invalid: bindings unchecked
  NamePool names_;                          // role and group names, one copy each
  std::unordered_map<const std::string*, NameFacts> role_facts_, group_facts_;  // see NameFacts
  std::unique_ptr<UserStream> stream_;
};

}  // namespace idsync
