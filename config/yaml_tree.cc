#include "config/yaml_tree.h"

#include <sstream>

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

// Receives yaml-cpp's events for one document and appends nodes in pre-order.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(YamlTree& tree, std::vector<Diagnostic>& diags) : tree_(tree), diags_(diags) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Leaf(mark, NodeKind::kNull); }
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
    open_.push_back(Leaf(mark, NodeKind::kSeq));
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    open_.push_back(Leaf(mark, NodeKind::kMap));
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
    return id;
  }
  void Close() {
    if (open_.empty()) return;
    tree_.nodes_[open_.back()].end = static_cast<uint32_t>(tree_.nodes_.size());
    open_.pop_back();
  }

  YamlTree& tree_;
  std::vector<Diagnostic>& diags_;
  std::vector<NodeId> open_;
};

std::optional<YamlTree> ParseYaml(const std::string& file, std::string text,
                                  std::vector<Diagnostic>& diags) {
  YamlTree tree;
  tree.file_ = file;
  tree.arena_.reserve(text.size() / 2);
  std::istringstream in(std::move(text));
  try {
    YAML::Parser parser(in);
    TreeBuilder builder(tree, diags);
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
    TreeBuilder rest(extra, ignored);
    if (parser.HandleNextDocument(rest) && !extra.nodes_.empty()) {
      diags.push_back({extra.mark(0), "a manifest file holds one YAML document; found a second"});
    }
  } catch (const YAML::Exception& e) {
    SourceMark mark{file, 1, 1};
    if (!e.mark.is_null()) mark = SourceMark{file, e.mark.line + 1, e.mark.column + 1};
    diags.push_back({mark, "YAML syntax error: " + e.msg});
    return std::nullopt;
  }
  return tree;
}

}  // namespace idsync
