// Nested groups (SPEC §2): a group's effective roles are its own plus those of the
// groups it lists, through any depth. Computed once per manifest, each group visited
// once (memoised), so resolution stays linear in the size of the manifest.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/manifest.h"

namespace idsync {

// A cycle of nested groups: `edges[i]` is the item in group `groups[i]`'s `groups:`
// list that names groups[i + 1] (the last names groups[0]).
struct GroupCycle {
  std::vector<std::string> groups;
  std::vector<SourceMark> edges;
};

// Every cycle a depth-first walk meets (each back edge once), in walk order. References
// to undefined groups are skipped (the loader reports them where they are written).
std::vector<GroupCycle> FindGroupCycles(const std::map<std::string, Group>& groups);

// "group cycle: a → b (f.yaml:3:14) → c (f.yaml:5:14) → a (f.yaml:7:14)"
std::string Describe(const GroupCycle& cycle);

// The effective roles of every group. Edges that would close a cycle are ignored, so it
// is safe on a manifest the loader refused.
class GroupRoles {
 public:
  explicit GroupRoles(const std::map<std::string, Group>& groups);

  // role -> the listed group through which `group` reaches it ("" when `group` lists the
  // role itself); nullptr for an unknown group.
  const std::map<std::string, std::string>* Of(const std::string& group) const;

  // The groups from `group` down to the one that lists `role`: {"eng", "data-team"}.
  // REQUIRES: Of(group) contains role.
  std::vector<std::string> Path(const std::string& group, const std::string& role) const;

 private:
  std::map<std::string, std::map<std::string, std::string>> roles_;
};

// "eng > data-team"
std::string JoinPath(const std::vector<std::string>& path);

// As JoinPath, at most `keep` groups at each end: "a > b > … 996 more … > y > z", so
// a plan line stays short however deep the nesting (explain shows the whole path).
std::string ShortPath(const std::vector<std::string>& path, std::size_t keep = 2);

}  // namespace idsync
