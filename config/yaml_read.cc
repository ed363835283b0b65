#include "config/yaml_read.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

namespace idsync {

const Mapping::Entry* Mapping::Find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

bool YamlReader::Expect(NodeId id, NodeKind kind, std::string_view what) {
  NodeKind got = tree_.kind(id);
  if (got == kind) return true;
  if (got != NodeKind::kAlias)
    Error(id, "expected " + std::string(what) + ", got " + std::string(YamlTree::KindName(got)));
  return false;
}

std::optional<Mapping> YamlReader::Map(NodeId id) {
  Mapping map;
  map.node = id;
  map.mark = Mark(id);
  if (tree_.kind(id) == NodeKind::kNull) return map;
  if (!Expect(id, NodeKind::kMap, "a mapping")) return std::nullopt;
  // Small mappings (almost all) compare linearly; large ones use an index.
  std::unordered_map<std::string_view, NodeId> index;
  bool indexed = false;
  const NodeId end = tree_.end(id);
  std::size_t children = 0;
  for (NodeId child = id + 1; child < end; child = tree_.end(child)) ++children;
  map.entries.reserve(children / 2);
  for (NodeId key = id + 1; key < end && tree_.end(key) < end; key = tree_.end(tree_.end(key))) {
    const NodeId value = tree_.end(key);
    if (!indexed && map.entries.size() == 16) {  // past 32 children: index what is there
      indexed = true;
      for (const auto& e : map.entries) index.emplace(e.key, e.key_node);
    }
    if (!Expect(key, NodeKind::kScalar, "a string key")) continue;
    std::string_view name = tree_.text(key);
    std::optional<NodeId> first;
    if (indexed) {
      auto [it, inserted] = index.emplace(name, key);
      if (!inserted) first = it->second;
    } else if (const Mapping::Entry* seen = map.Find(name)) {
      first = seen->key_node;
    }
    if (first) {
      Error(key, "duplicate key \"" + std::string(name) + "\" (first at " + Where(Mark(*first)) + ")");
      continue;
    }
    map.entries.push_back({name, key, value});
  }
  return map;
}

std::optional<std::vector<NodeId>> YamlReader::Seq(NodeId id) {
  if (tree_.kind(id) == NodeKind::kNull) return std::vector<NodeId>{};
  if (!Expect(id, NodeKind::kSeq, "a sequence")) return std::nullopt;
  return tree_.children(id);
}

std::optional<std::string> YamlReader::String(NodeId id) {
  if (!Expect(id, NodeKind::kScalar, "a string")) return std::nullopt;
  return std::string(tree_.text(id));
}

std::optional<std::string_view> YamlReader::Text(NodeId id) {
  if (!Expect(id, NodeKind::kScalar, "a string")) return std::nullopt;
  return tree_.text(id);
}

std::optional<bool> YamlReader::Bool(NodeId id) {
  if (!Expect(id, NodeKind::kScalar, "true or false")) return std::nullopt;
  std::string_view text = tree_.text(id);
  if (text == "true") return true;
  if (text == "false") return false;
  Error(id, "expected true or false, got \"" + std::string(text) + "\"");
  return std::nullopt;
}

std::optional<int64_t> YamlReader::Integer(NodeId id) {
  if (!Expect(id, NodeKind::kScalar, "an integer")) return std::nullopt;
  std::string_view text = tree_.text(id);
  int64_t value = 0;
  const char* begin = text.data();
  if (!text.empty() && text.front() == '+') ++begin;
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    Error(id, "expected an integer, got \"" + std::string(text) + "\"");
    return std::nullopt;
  }
  return value;
}

std::vector<std::pair<std::string, NodeId>> YamlReader::StringItems(NodeId id) {
  std::vector<std::pair<std::string, NodeId>> out;
  auto items = Seq(id);
  if (!items) return out;
  out.reserve(items->size());
  for (NodeId item : *items)
    if (auto s = String(item)) out.emplace_back(std::move(*s), item);
  return out;
}

std::optional<std::vector<std::string>> YamlReader::StringList(NodeId id) {
  if (tree_.kind(id) != NodeKind::kNull && tree_.kind(id) != NodeKind::kSeq) {
    Seq(id);  // reports the mismatch
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (auto& [text, node] : StringItems(id)) out.push_back(std::move(text));
  return out;
}

void YamlReader::CheckKeys(const Mapping& map, const std::vector<std::string_view>& allowed) {
  for (const auto& e : map.entries) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    Error(e.key_node, "unknown key \"" + std::string(e.key) + "\"; expected one of: " +
                          JoinNames(allowed));
  }
}

const Mapping::Entry* YamlReader::Require(const Mapping& map, std::string_view key) {
  const Mapping::Entry* e = map.Find(key);
  if (!e) Error(map.mark, "missing required key \"" + std::string(key) + "\"");
  return e;
}

std::string JoinNames(const std::vector<std::string_view>& names) {
  std::string out;
  for (auto name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "(none)" : out;
}

std::string JoinNames(const std::vector<std::string>& names) {
  return JoinNames(std::vector<std::string_view>(names.begin(), names.end()));
}

}  // namespace idsync
