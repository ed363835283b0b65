// Internal to yaml_tree.cc: builds a YamlTree from either parser's events.
#pragma once

#include <cctype>
#include <cstdint>
#include <string_view>
#include <vector>

#include "config/manifest.h"
#include "config/yaml_tree.h"

namespace idsync {

// Where an event starts, 0-based like yaml-cpp's YAML::Mark: lines counted by '\n',
// columns in bytes, pos the byte offset.
struct EventMark {
  int line = 0, column = 0;
  long pos = 0;
};

// Appends one document's nodes in pre-order, from either parser's events. With a sink,
// the items of the root mapping's first sink->Key() sequence are handed to it as each
// completes and then dropped, so the tree holds one of them at a time.
class TreeBuilder {
 public:
  TreeBuilder(YamlTree& tree, std::vector<Diagnostic>& diags, std::string_view text,
              SeqItemSink* sink = nullptr)
      : tree_(tree), diags_(diags), text_(text), sink_(sink) {
    if (!sink_) stream_ = Stream::kDone;
  }

  void Null(const EventMark& mark) {
    NodeId id = Leaf(mark, NodeKind::kNull);
    PlaceEmpty(id, mark);
    ItemDone(id);
  }
  void Alias(const EventMark& mark) {
    NodeId id = Leaf(mark, NodeKind::kAlias);
    diags_.push_back({tree_.mark(id), "YAML aliases (*name) are not supported; write the value out"});
    ItemDone(id);
  }
  void Scalar(const EventMark& mark, std::string_view value) {
    NodeId id = Leaf(mark, NodeKind::kScalar);
    tree_.nodes_[id].text_begin = static_cast<uint32_t>(tree_.arena_.size());
    tree_.nodes_[id].text_size = static_cast<uint32_t>(value.size());
    tree_.arena_ += value;
    // The root mapping's first key named sink->Key(): its value may be streamed.
    if (stream_ == Stream::kLooking && open_.size() == 1 && open_[0].id == 0 &&
        tree_.nodes_[0].kind == NodeKind::kMap && open_[0].children % 2 == 1 && value == sink_->Key())
      stream_ = Stream::kKeySeen;
    ItemDone(id);
  }
  void Open(const EventMark& mark, NodeKind kind) { open_.push_back({Leaf(mark, kind), 0, 0, 0}); }
  void Close() {
    if (open_.empty()) return;
    const NodeId id = open_.back().id;
    tree_.nodes_[id].end = static_cast<uint32_t>(tree_.nodes_.size());
    open_.pop_back();
    if (stream_ == Stream::kStreaming && id == seq_) stream_ = Stream::kDone;
    ItemDone(id);
  }

 private:
  enum class Stream { kLooking, kKeySeen, kStreaming, kDone };

  NodeId Leaf(const EventMark& mark, NodeKind kind) {
    NodeId id = static_cast<NodeId>(tree_.nodes_.size());
    if (stream_ == Stream::kStreaming && open_.size() == 2 && open_.back().id == seq_)
      item_arena_ = tree_.arena_.size();  // an item starts
    YamlTree::Node node;
    node.kind = kind;
    node.line = mark.line + 1;
    node.column = mark.column + 1;
    node.end = id + 1;
    tree_.nodes_.push_back(node);
    if (!open_.empty()) {
      OpenNode& parent = open_.back();
      ++parent.children;
      parent.previous = parent.last;
      parent.last = id;
      if (stream_ == Stream::kKeySeen && open_.size() == 1 && parent.children % 2 == 0) {
        stream_ = kind == NodeKind::kSeq ? Stream::kStreaming : Stream::kDone;  // the key's value
        seq_ = id;
      }
    }
    return id;
  }
  // Node `id` is complete: if it is an item of the streamed sequence, hand it over and
  // forget it (its nodes and text).
  void ItemDone(NodeId id) {
    if (stream_ != Stream::kStreaming || open_.size() != 2 || open_.back().id != seq_ || id == seq_) return;
    sink_->Item(tree_, id);
    tree_.nodes_.resize(id);
    tree_.arena_.resize(item_arena_);
  }
  // yaml-cpp marks an empty value at the token after it. Point instead at what the
  // reader sees: the key of an empty map value, the '-' of an empty sequence item.
  void PlaceEmpty(NodeId id, const EventMark& mark) {
    YamlTree::Node& node = tree_.nodes_[id];
    if (open_.empty()) {
      node.line = node.column = 1;
      return;
    }
    const OpenNode& parent = open_.back();
    if (tree_.nodes_[parent.id].kind == NodeKind::kMap) {
      if (parent.children % 2 == 0) {  // a value: its key is the previous sibling
        node.line = tree_.nodes_[parent.previous].line;
        node.column = tree_.nodes_[parent.previous].column;
      }
      return;
    }
    // A sequence item: scan back over whitespace to the '-' that opened it.
    if (mark.pos < 0 || static_cast<size_t>(mark.pos) > text_.size()) return;
    size_t pos = static_cast<size_t>(mark.pos);
    int line = node.line;
    while (pos > 0 && std::isspace(static_cast<unsigned char>(text_[pos - 1]))) {
      if (text_[pos - 1] == '\n') --line;
      --pos;
    }
    if (pos == 0 || text_[pos - 1] != '-') return;
    size_t line_start = text_.rfind('\n', pos - 1);
    node.line = line;
    node.column = static_cast<int32_t>(pos - 1 - (line_start == std::string_view::npos ? -1 : line_start));
  }

  YamlTree& tree_;
  std::vector<Diagnostic>& diags_;
  // An open container: how many children so far, and the last two of them.
  struct OpenNode {
    NodeId id;
    uint32_t children;
    NodeId last, previous;
  };
  std::string_view text_;
  std::vector<OpenNode> open_;
  SeqItemSink* sink_;
  Stream stream_ = Stream::kLooking;
  NodeId seq_ = 0;             // kStreaming: the streamed sequence
  std::size_t item_arena_ = 0;  // the arena's size where the current item began
};

}  // namespace idsync
