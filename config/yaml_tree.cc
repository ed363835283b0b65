#include <algorithm>
#include "config/yaml_tree.h"
#include "config/tree_builder.h"

#include <cctype>
#include <istream>
#include <streambuf>

#include <libfyaml.h>
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

namespace {

// yaml-cpp's events into a TreeBuilder.
class YamlCppEvents : public YAML::EventHandler {
 public:
  explicit YamlCppEvents(TreeBuilder& builder) : b_(builder) {}
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { b_.Null(Of(mark)); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { b_.Alias(Of(mark)); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    b_.Scalar(Of(mark), value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    b_.Open(Of(mark), NodeKind::kSeq);
  }
  void OnSequenceEnd() override { b_.Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    b_.Open(Of(mark), NodeKind::kMap);
  }
  void OnMapEnd() override { b_.Close(); }

 private:
  static EventMark Of(const YAML::Mark& m) { return {m.line, m.column, m.pos}; }
  TreeBuilder& b_;
};

}  // namespace

namespace {

// The reference parser: every syntax error's position and message is yaml-cpp's (the
// bad-manifest tests pin them), so any input libfyaml reports an error in is parsed
// again here.
std::optional<YamlTree> ParseWithYamlCpp(YamlTree tree, std::string_view text,
                                         std::vector<Diagnostic>& diags, SeqItemSink* sink) {
  const std::string& file = tree.file();
  ViewBuf buffer(text);
  std::istream in(&buffer);
  try {
    YAML::Parser parser(in);
    if (sink) sink->Restart();
    TreeBuilder builder(tree, diags, text, sink);
    YamlCppEvents events(builder);
    if (!parser.HandleNextDocument(events) || tree.empty()) {  // "---" alone: nothing in it
      diags.push_back({SourceMark{file, 1, 1}, "no YAML document in file"});
      return std::nullopt;
    }
    YamlTree extra = YamlTree::Empty(file);
    std::vector<Diagnostic> ignored;
    TreeBuilder rest(extra, ignored, text);
    YamlCppEvents rest_events(rest);
    if (parser.HandleNextDocument(rest_events) && !extra.empty()) {
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

// libfyaml's byte offsets as yaml-cpp's marks: lines counted by '\n', columns in bytes
// since the last '\n'. Offsets mostly grow, so the line count moves incrementally.
class MarkCounter {
 public:
  explicit MarkCounter(std::string_view text) : text_(text) {}
  std::string_view Text() const { return text_; }
  EventMark At(std::size_t pos) {
    pos = std::min(pos, text_.size());
    for (; cursor_ < pos; ++cursor_) {
      if (text_[cursor_] != '\n') continue;
      ++line_;
      line_start_ = cursor_ + 1;
    }
    if (cursor_ > pos) {
      for (; cursor_ > pos; --cursor_)
        if (text_[cursor_ - 1] == '\n') --line_;
      const std::size_t newline = pos == 0 ? std::string_view::npos : text_.rfind('\n', pos - 1);
      line_start_ = newline == std::string_view::npos ? 0 : newline + 1;
    }
    return {line_, static_cast<int>(pos - line_start_), static_cast<long>(pos)};
  }

 private:
  std::string_view text_;
  std::size_t cursor_ = 0;
  std::size_t line_start_ = 0;  // where the line holding cursor_ begins
  int line_ = 0;
};

// A scalar's value. A plain scalar on one line is its bytes in the input, read there:
// fy_token_get_text would copy it into a buffer of its own first. Anything else (quoted,
// block, folded over lines) is libfyaml's text.
std::string_view ScalarText(fy_token* token, std::string_view input) {
  if (fy_token_scalar_style(token) == FYSS_PLAIN) {
    const fy_mark* start = fy_token_start_mark(token);
    const fy_mark* end = fy_token_end_mark(token);
    if (start && end && start->input_pos <= end->input_pos && end->input_pos <= input.size()) {
      std::string_view raw = input.substr(start->input_pos, end->input_pos - start->input_pos);
      // Two memchr passes: find_first_of would call memchr once per byte of `raw`.
      if (raw.find('\n') == std::string_view::npos && raw.find('\r') == std::string_view::npos) {
        return raw;
      }
    }
  }
  std::size_t size = 0;
  const char* data = fy_token_get_text(token, &size);
  return std::string_view(data ? data : "", data ? size : 0);
}

bool IsYamlCppNull(fy_event* e, std::string_view v) {  // yaml-cpp's rule: a plain, untagged null word or nothing
  if (e->scalar.tag != nullptr || fy_token_scalar_style(e->scalar.value) != FYSS_PLAIN) return false;
  return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

// One document's events (after its DOCUMENT_START) into `builder`; false on a parser
// error. `empty_root` tells whether the document was nothing but an implicit null.
bool FeedDocument(fy_parser* parser, TreeBuilder& builder, MarkCounter& marks, bool& empty_root) {
  int depth = 0, nodes = 0;
  std::size_t last = 0;  // an empty value has no mark of its own: it is where the last event was
  empty_root = false;
  for (fy_event* e; (e = fy_parser_parse(parser)) != nullptr; fy_parser_event_free(parser, e)) {
    const fy_mark* m = fy_event_start_mark(e);
    if (m) last = m->input_pos;
    const EventMark mark = marks.At(last);
    switch (e->type) {
      case FYET_DOCUMENT_END:
        fy_parser_event_free(parser, e);
        return true;
      case FYET_SCALAR: {
        const std::string_view value = ScalarText(e->scalar.value, marks.Text());
        if (IsYamlCppNull(e, value)) {
          builder.Null(mark);
          if (depth == 0 && nodes == 0) empty_root = value.empty();
        } else {
          builder.Scalar(mark, value);
        }
        ++nodes;
        break;
      }
      case FYET_ALIAS: {  // libfyaml's mark is the name; yaml-cpp's the '*' before it
        const std::size_t pos = m ? m->input_pos : 0;
        builder.Alias(pos > 0 && marks.Text()[pos - 1] == '*' ? marks.At(pos - 1) : mark);
        ++nodes;
        break;
      }
      case FYET_MAPPING_START: builder.Open(mark, NodeKind::kMap); ++depth, ++nodes; break;
      case FYET_SEQUENCE_START: builder.Open(mark, NodeKind::kSeq); ++depth, ++nodes; break;
      case FYET_MAPPING_END:
      case FYET_SEQUENCE_END: builder.Close(); --depth; break;
      default: break;
    }
  }
  return false;  // the stream ended inside a document: an error
}

// libfyaml, ~4x faster than yaml-cpp on the same events. nullopt when libfyaml reports
// any error (the caller then asks yaml-cpp); otherwise exactly what ParseWithYamlCpp
// returns and reports.
std::optional<std::optional<YamlTree>> ParseWithLibfyaml(YamlTree tree, std::string_view text,
                                                         std::vector<Diagnostic>& diags,
                                                         SeqItemSink* sink) {
  // libfyaml's own error text is never shown (yaml-cpp's is): a diagnostic sink that
  // prints nothing.
  fy_diag_cfg diag_cfg;
  fy_diag_cfg_default(&diag_cfg);
  diag_cfg.fp = nullptr;
  diag_cfg.output_fn = [](fy_diag*, void*, const char*, size_t) {};
  std::unique_ptr<fy_diag, decltype(&fy_diag_destroy)> diag(fy_diag_create(&diag_cfg), fy_diag_destroy);
  if (!diag) return std::nullopt;
  fy_parse_cfg cfg{};
  cfg.flags = static_cast<fy_parse_cfg_flags>(FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2);
  cfg.diag = diag.get();
  std::unique_ptr<fy_parser, decltype(&fy_parser_destroy)> parser(fy_parser_create(&cfg),
                                                                   fy_parser_destroy);
  if (!parser || fy_parser_set_string(parser.get(), text.data(), text.size()) != 0) return std::nullopt;
  MarkCounter marks(text);
  std::vector<Diagnostic> own;
  int documents = 0;
  bool second = false;
  YamlTree extra = YamlTree::Empty(tree.file());
  for (fy_event* e; (e = fy_parser_parse(parser.get())) != nullptr;) {
    const fy_event_type type = e->type;
    fy_parser_event_free(parser.get(), e);
    if (type != FYET_DOCUMENT_START) continue;
    bool empty_root = false;
    std::vector<Diagnostic> ignored;
    if (documents == 0 && sink) sink->Restart();
    TreeBuilder builder(documents == 0 ? tree : extra, documents == 0 ? own : ignored, text,
                        documents == 0 ? sink : nullptr);
    if (!FeedDocument(parser.get(), builder, marks, empty_root)) return std::nullopt;
    if (documents == 0 && empty_root) return std::nullopt;  // yaml-cpp's view of "---" alone
    if (documents == 1 && !empty_root) second = true;
    ++documents;
  }
  if (fy_parser_get_stream_error(parser.get())) return std::nullopt;
  if (documents == 0) {
    diags.push_back({SourceMark{tree.file(), 1, 1}, "no YAML document in file"});
    return std::optional<YamlTree>();
  }
  diags.insert(diags.end(), own.begin(), own.end());
  if (second) diags.push_back({extra.mark(0), "a manifest file holds one YAML document; found a second"});
  return std::optional<YamlTree>(std::move(tree));
}

}  // namespace

YamlTree YamlTree::Empty(SharedString file) {
  YamlTree tree;
  tree.file_ = std::move(file);
  return tree;
}

// Whether libfyaml may read `text`. Debian's libfyaml 0.8 loops for ever on some
// directives holding invalid bytes (fuzz/corpus/manifest found one: "%i\377\377e..."),
// so any text with a directive line ('%' at a line's start) or a control byte other than
// tab, CR and LF goes to yaml-cpp alone, exactly as before libfyaml. A manifest never
// needs either.
static bool LibfyamlSafe(std::string_view text) {
  char previous = '\n';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (previous == '\n' && c == '%') return false;
    if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
    if (byte == 0x7f || byte >= 0xf8 || byte == 0xc0 || byte == 0xc1) return false;  // never in UTF-8
    previous = c;
  }
  return true;
}

std::optional<YamlTree> ParseYaml(const std::string& file_name, std::string_view text,
                                  std::vector<Diagnostic>& diags, SeqItemSink* sink) {
  const SharedString file(file_name);  // shared by every mark of the file
  YamlTree tree = YamlTree::Empty(file);
  // At least past the small-string buffer: the tree is moved after parsing, and a
  // short arena living inside the string object itself would move with it. Room for a
  // node per 8 bytes (a manifest has about one per 9): no copy while the vector grows;
  // pages never written cost no memory.
  tree.arena_.reserve(std::max<std::size_t>(64, text.size() / 2));
  tree.nodes_.reserve(text.size() / 8 + 16);
  try {
    if (LibfyamlSafe(text))
      if (auto parsed = ParseWithLibfyaml(std::move(tree), text, diags, sink)) return std::move(*parsed);
  } catch (const std::exception& e) {  // bad_alloc and the like: never across the layer
    diags.push_back({SourceMark{file, 1, 1}, std::string("cannot parse file: ") + e.what()});
    return std::nullopt;
  }
  tree = YamlTree::Empty(file);
  tree.arena_.reserve(std::max<std::size_t>(64, text.size() / 2));
  return ParseWithYamlCpp(std::move(tree), text, diags, sink);
}

}  // namespace idsync
