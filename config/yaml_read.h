// Typed reading of a YamlTree for the manifest schema: every mismatch becomes a
// diagnostic at the offending node, and reading goes on so all errors are reported.
//
// Conventions: null (an empty value) reads as an empty mapping or sequence; any scalar
// reads as a string; booleans are exactly true/false; a value that is an alias was
// already reported by the parser and is skipped silently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/manifest.h"
#include "config/yaml_tree.h"

namespace idsync {

// A mapping's entries in file order, duplicates already reported and dropped.
struct Mapping {
  struct Entry {
    std::string_view key;
    NodeId key_node;
    NodeId value;
  };
  NodeId node = 0;
  SourceMark mark;  // where "missing required key" errors point
  std::vector<Entry> entries;

  const Entry* Find(std::string_view key) const;
};

class YamlReader {
 public:
  YamlReader(const YamlTree& tree, std::vector<Diagnostic>& diags) : tree_(tree), diags_(diags) {}

  const YamlTree& tree() const { return tree_; }
  SourceMark Mark(NodeId id) const { return tree_.mark(id); }
  void Error(NodeId at, std::string message) { Error(Mark(at), std::move(message)); }
  void Error(const SourceMark& at, std::string message) {
    diags_.push_back({at, std::move(message)});
  }
  // "FILE:LINE", for messages that point back at an earlier definition.
  static std::string Where(const SourceMark& mark) {
    return mark.file.str() + ":" + std::to_string(mark.line);
  }

  // A mapping (or null as an empty one); nullopt and a diagnostic otherwise. Keys must
  // be scalars; a repeated key is reported at the repeat, naming the first.
  std::optional<Mapping> Map(NodeId id);
  // A sequence's items (null: none); nullopt and a diagnostic otherwise.
  std::optional<std::vector<NodeId>> Seq(NodeId id);

  std::optional<std::string> String(NodeId id);
  // As String, viewing the tree's text (valid as long as the tree).
  std::optional<std::string_view> Text(NodeId id);
  std::optional<bool> Bool(NodeId id);
  std::optional<int64_t> Integer(NodeId id);  // decimal, optionally signed
  // A sequence of strings; a bad item is reported and skipped.
  std::optional<std::vector<std::string>> StringList(NodeId id);
  // As StringList, keeping each item's node for later checks.
  std::vector<std::pair<std::string, NodeId>> StringItems(NodeId id);

  // Reports every key of `map` not in `allowed`: unknown key "x"; expected one of: ...
  void CheckKeys(const Mapping& map, const std::vector<std::string_view>& allowed);
  // The entry for `key`, or nullptr after reporting it missing at map.mark.
  const Mapping::Entry* Require(const Mapping& map, std::string_view key);

 private:
  bool Expect(NodeId id, NodeKind kind, std::string_view what);

  const YamlTree& tree_;
  std::vector<Diagnostic>& diags_;
};

// "a, b, c"
std::string JoinNames(const std::vector<std::string_view>& names);
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace idsync
