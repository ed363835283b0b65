// A compact, read-only YAML document tree built from libfyaml's event parser, with
// yaml-cpp's marks and messages (see ParseYaml).
//
// yaml-cpp's YAML::Node tree costs ~50 bytes of heap per byte of input; this one keeps
// nodes in one vector (pre-order, each container knowing where its subtree ends) and
// scalar text in one arena, so a 100,000-user manifest stays small (SPEC §9).
// Aliases are rejected (a diagnostic at the alias); anchors and tags are ignored.
//
// Thread-safety: a value; concurrent reads are safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/manifest.h"

namespace idsync {

using NodeId = uint32_t;

enum class NodeKind : uint8_t { kNull, kScalar, kMap, kSeq, kAlias };

class YamlTree;

// Receives, one at a time, the items of the sequence under one key of the document's
// root mapping (its first occurrence), so that a caller can read them without the whole
// sequence ever being in the tree (a manifest's `users:` is most of its bytes).
class SeqItemSink {
 public:
  virtual ~SeqItemSink() = default;
  // The root mapping's key whose sequence is streamed ("users").
  virtual std::string_view Key() const = 0;
  // A parse of the file (re)starts: forget every item received so far. Items received
  // are only valid if ParseYaml then returns a tree.
  virtual void Restart() = 0;
  // One complete item, `item` and its subtree in `tree`, valid during the call only;
  // the tree then forgets them, and the sequence ends up empty in the returned tree.
  virtual void Item(const YamlTree& tree, NodeId item) = 0;
};

class YamlTree {
 public:
  struct Node {
    uint32_t text_begin = 0;  // scalar: offset into the arena
    uint32_t text_size = 0;
    uint32_t end = 0;         // index one past this node's subtree
    int32_t line = 1;         // 1-based
    int32_t column = 1;       // 1-based
    NodeKind kind = NodeKind::kNull;
  };

  bool empty() const { return nodes_.empty(); }
  NodeId root() const { return 0; }  // REQUIRES: !empty()
  NodeKind kind(NodeId id) const { return nodes_[id].kind; }
  std::string_view text(NodeId id) const {
    return std::string_view(arena_).substr(nodes_[id].text_begin, nodes_[id].text_size);
  }
  SourceMark mark(NodeId id) const {
    return SourceMark{file_, nodes_[id].line, nodes_[id].column};
  }
  const SharedString& file() const { return file_; }

  // Children of a map (key, value, key, value, ...) or a sequence, in order.
  std::vector<NodeId> children(NodeId id) const;
  // Without a vector: a container's first child is id + 1 (when id + 1 < end(id)), the
  // one after `child` is end(child).
  NodeId end(NodeId id) const { return nodes_[id].end; }

  // A tree with no nodes yet, for `file`.
  static YamlTree Empty(SharedString file);

  // "a mapping", "a sequence", "a string", "null": for "expected X, got Y" messages.
  static std::string_view KindName(NodeKind kind);

 private:
  friend class TreeBuilder;
  friend std::optional<YamlTree> ParseYaml(const std::string& file, std::string_view text,
                                           std::vector<Diagnostic>& diags, SeqItemSink* sink);
  SharedString file_;
  std::vector<Node> nodes_;
  std::string arena_;
};

// Parses the first YAML document of `text` with libfyaml (about 4x faster than
// yaml-cpp). Marks are yaml-cpp's (lines by '\n', columns in bytes) and any input
// libfyaml reports an error in is parsed again with yaml-cpp, so syntax errors are
// yaml-cpp's: "YAML syntax error: <parser message>" diagnostics at its mark; an input
// without a document, or with more than one, is a diagnostic too. Returns nullopt when
// the file cannot be used at all (syntax error, no document).
// With a `sink`, the items of the root mapping's first `sink->Key()` sequence go to it
// as they are parsed instead of staying in the tree (see SeqItemSink).
std::optional<YamlTree> ParseYaml(const std::string& file, std::string_view text,
                                  std::vector<Diagnostic>& diags, SeqItemSink* sink = nullptr);

}  // namespace idsync
