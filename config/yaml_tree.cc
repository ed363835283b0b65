#include <algorithm>
#include "config/yaml_tree.h"

#include <cctype>
#include <istream>
#include <streambuf>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

namespace idsync {

std::vector<NodeId> YamlTree::children(NodeId id) const {
  std::vector<NodeId> out;
  const Node& node = nodes_[id];
  if (node.kind != NodeKind::kMap && node.kind != NodeKind::kSeq) return out;
  for (NodeId child = id + 1; child < node.end; child = nodes_[child].end) out.push_back(child);
  return out;
}

std::string_view YamlTree::KindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kNull: return "null";
    case NodeKind::kScalar: return "a string";
    case NodeKind::kMap: return "a mapping";
    case NodeKind::kSeq: return "a sequence";
    case NodeKind::kAlias: return "an alias";
  }
  return "null";
}

namespace {

// An input stream buffer over text it does not own (std::ispanstream is C++23).
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // read-only: no put area is set
    setg(begin, begin, begin + text.size());
  }
};

}  // namespace

// Receives yaml-cpp's events for one document and appends nodes in pre-order.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(YamlTree& tree, std::vector<Diagnostic>& diags, std::string_view text)
      : tree_(tree), diags_(diags), text_(text) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    NodeId id = Leaf(mark, NodeKind::kNull);
    PlaceEmpty(id, mark);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    NodeId id = Leaf(mark, NodeKind::kAlias);
    diags_.push_back({tree_.mark(id), "YAML aliases (*name) are not supported; write the value out"});
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    NodeId id = Leaf(mark, NodeKind::kScalar);
    tree_.nodes_[id].text_begin = static_cast<uint32_t>(tree_.arena_.size());
    tree_.nodes_[id].text_size = static_cast<uint32_t>(value.size());
    tree_.arena_ += value;
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    open_.push_back({Leaf(mark, NodeKind::kSeq), 0, 0, 0});
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    open_.push_back({Leaf(mark, NodeKind::kMap), 0, 0, 0});
  }
  void OnMapEnd() override { Close(); }

 private:
  NodeId Leaf(const YAML::Mark& mark, NodeKind kind) {
    NodeId id = static_cast<NodeId>(tree_.nodes_.size());
    YamlTree::Node node;
    node.kind = kind;
    node.line = mark.line + 1;
    node.column = mark.column + 1;
    node.end = id + 1;
    tree_.nodes_.push_back(node);
    if (!open_.empty()) {
      Open& parent = open_.back();
      ++parent.children;
      parent.previous = parent.last;
      parent.last = id;
    }
    return id;
  }
  // yaml-cpp marks an empty value at the token after it. Point instead at what the
  // reader sees: the key of an empty map value, the '-' of an empty sequence item.
  void PlaceEmpty(NodeId id, const YAML::Mark& mark) {
    YamlTree::Node& node = tree_.nodes_[id];
    if (open_.empty()) {
      node.line = node.column = 1;
      return;
    }
    const Open& parent = open_.back();
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
  void Close() {
    if (open_.empty()) return;
    tree_.nodes_[open_.back().id].end = static_cast<uint32_t>(tree_.nodes_.size());
    open_.pop_back();
  }

  YamlTree& tree_;
  std::vector<Diagnostic>& diags_;
  // An open container: how many children so far, and the last two of them.
  struct Open {
    NodeId id;
    uint32_t children;
    NodeId last, previous;
  };
  std::string_view text_;
  std::vector<Open> open_;
};

std::optional<YamlTree> ParseYaml(const std::string& file, std::string_view text,
                                  std::vector<Diagnostic>& diags) {
  YamlTree tree;
  tree.file_ = file;
  // At least past the small-string buffer: the tree is moved after parsing, and a
  // short arena living inside the string object itself would move with it.
  tree.arena_.reserve(std::max<std::size_t>(64, text.size() / 2));
  ViewBuf buffer(text);
  std::istream in(&buffer);
  try {
    YAML::Parser parser(in);
    TreeBuilder builder(tree, diags, text);
    if (!parser.HandleNextDocument(builder)) {
      diags.push_back({SourceMark{file, 1, 1}, "no YAML document in file"});
      return std::nullopt;
    }
    if (tree.nodes_.empty()) {  // "---" alone: a document with nothing in it
      diags.push_back({SourceMark{file, 1, 1}, "no YAML document in file"});
      return std::nullopt;
    }
    YamlTree extra;
    extra.file_ = file;
    std::vector<Diagnostic> ignored;
    TreeBuilder rest(extra, ignored, text);
    if (parser.HandleNextDocument(rest) && !extra.nodes_.empty()) {
      diags.push_back({extra.mark(0), "a manifest file holds one YAML document; found a second"});
    }
  } catch (const YAML::Exception& e) {
    SourceMark mark{file, 1, 1};
    if (!e.mark.is_null()) mark = SourceMark{file, e.mark.line + 1, e.mark.column + 1};
    diags.push_back({mark, "YAML syntax error: " + e.msg});
    return std::nullopt;
  } catch (const std::exception& e) {  // bad_alloc and the like: never across the layer
    diags.push_back({SourceMark{file, 1, 1}, std::string("cannot parse file: ") + e.what()});
    return std::nullopt;
  }
  return tree;
}

}  // namespace idsync
