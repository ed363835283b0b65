#include "sim/graphql/lexer.h"

#include <cctype>
#include <vector>

namespace idsync::sim::gql {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

void AppendUtf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string Printable(char c) {
  if (c >= 0x20 && c < 0x7F) return std::string("\"") + c + "\"";
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned char>(c));
  return buf;
}

// The spec's BlockStringValue(): common indentation removed, blank first and last
// lines dropped.
std::string DedentBlockString(const std::string& raw) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t i = 0; i <= raw.size(); ++i) {
    if (i == raw.size() || raw[i] == '\n' || raw[i] == '\r') {
      lines.push_back(raw.substr(start, i - start));
      if (i + 1 < raw.size() && raw[i] == '\r' && raw[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  std::optional<size_t> common;
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t indent = lines[i].find_first_not_of(" \t");
    if (indent == std::string::npos) continue;
    if (!common || indent < *common) common = indent;
  }
  if (common) {
    for (size_t i = 1; i < lines.size(); ++i) lines[i].erase(0, std::min(*common, lines[i].size()));
  }
  auto blank = [](const std::string& l) { return l.find_first_not_of(" \t") == std::string::npos; };
  while (!lines.empty() && blank(lines.front())) lines.erase(lines.begin());
  while (!lines.empty() && blank(lines.back())) lines.pop_back();
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  return out;
}

}  // namespace

Error SyntaxError(std::string what, Location where) {
  return Error{"Syntax Error: " + std::move(what), {where}, nullptr, "GRAPHQL_PARSE_FAILED"};
}

std::string Token::Describe() const {
  switch (kind) {
    case Kind::kEof: return "<EOF>";
    case Kind::kPunct: return "\"" + text + "\"";
    case Kind::kName: return "Name \"" + text + "\"";
    case Kind::kInt: return "Int \"" + text + "\"";
    case Kind::kFloat: return "Float \"" + text + "\"";
    case Kind::kString: return "String \"" + text + "\"";
    case Kind::kBlockString: return "BlockString";
  }
  return "token";
}

void Lexer::Advance(size_t n) {
  for (size_t i = 0; i < n && pos_ < src_.size(); ++i) {
    char c = src_[pos_++];
    if (c == '\n' || (c == '\r' && Peek() != '\n')) {
      ++line_;
      line_start_ = pos_;
    }
  }
}

void Lexer::SkipIgnored() {
  while (pos_ < src_.size()) {
    char c = Peek();
    if (c == ' ' || c == '\t' || c == ',' || c == '\n' || c == '\r') {
      Advance();
    } else if (c == '\xEF' && Peek(1) == '\xBB' && Peek(2) == '\xBF') {  // BOM
      Advance(3);
    } else if (c == '#') {
      while (pos_ < src_.size() && Peek() != '\n' && Peek() != '\r') Advance();
    } else {
      return;
    }
  }
}

std::optional<Token> Lexer::Next(Error* error) {
  SkipIgnored();
  Token tok;
  tok.location = Here();
  if (pos_ >= src_.size()) return tok;
  char c = Peek();
  if (c == '.') {
    if (Peek(1) == '.' && Peek(2) == '.') {
      Advance(3);
      tok.kind = Token::Kind::kPunct;
      tok.text = "...";
      return tok;
    }
    *error = SyntaxError("Unexpected character: \".\".", tok.location);
    return std::nullopt;
  }
  if (std::string_view("!$&()=:@[]{}|").find(c) != std::string_view::npos) {
    Advance();
    tok.kind = Token::Kind::kPunct;
    tok.text = std::string(1, c);
    return tok;
  }
  if (IsNameStart(c)) {
    size_t begin = pos_;
    while (IsNameChar(Peek())) Advance();
    tok.kind = Token::Kind::kName;
    tok.text = std::string(src_.substr(begin, pos_ - begin));
    return tok;
  }
  if (c == '-' || IsDigit(c)) return Number(error);
  if (c == '"') {
    if (Peek(1) == '"' && Peek(2) == '"') return BlockString(error);
    return String(error);
  }
  *error = SyntaxError("Unexpected character: " + Printable(c) + ".", tok.location);
  return std::nullopt;
}

std::optional<Token> Lexer::Number(Error* error) {
  Token tok;
  tok.location = Here();
  size_t begin = pos_;
  bool is_float = false;
  if (Peek() == '-') Advance();
  if (Peek() == '0') {
    Advance();
    if (IsDigit(Peek())) {
      *error = SyntaxError("Invalid number, unexpected digit after 0: " + Printable(Peek()) + ".", Here());
      return std::nullopt;
    }
  } else if (IsDigit(Peek())) {
    while (IsDigit(Peek())) Advance();
  } else {
    *error = SyntaxError("Invalid number, expected digit but got: " + Printable(Peek()) + ".", Here());
    return std::nullopt;
  }
  if (Peek() == '.') {
    is_float = true;
    Advance();
    if (!IsDigit(Peek())) {
      *error = SyntaxError("Invalid number, expected digit but got: " + Printable(Peek()) + ".", Here());
      return std::nullopt;
    }
    while (IsDigit(Peek())) Advance();
  }
  if (Peek() == 'e' || Peek() == 'E') {
    is_float = true;
    Advance();
    if (Peek() == '+' || Peek() == '-') Advance();
    if (!IsDigit(Peek())) {
      *error = SyntaxError("Invalid number, expected digit but got: " + Printable(Peek()) + ".", Here());
      return std::nullopt;
    }
    while (IsDigit(Peek())) Advance();
  }
  if (Peek() == '.' || IsNameStart(Peek())) {
    *error = SyntaxError("Invalid number, expected digit but got: " + Printable(Peek()) + ".", Here());
    return std::nullopt;
  }
  tok.kind = is_float ? Token::Kind::kFloat : Token::Kind::kInt;
  tok.text = std::string(src_.substr(begin, pos_ - begin));
  return tok;
}

std::optional<Token> Lexer::String(Error* error) {
  Token tok;
  tok.location = Here();
  tok.kind = Token::Kind::kString;
  Advance();  // opening quote
  while (true) {
    char c = Peek();
    if (pos_ >= src_.size() || c == '\n' || c == '\r') {
      *error = SyntaxError("Unterminated string.", Here());
      return std::nullopt;
    }
    if (c == '"') {
      Advance();
      return tok;
    }
    if (c != '\\') {
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
        *error = SyntaxError("Invalid character within String: " + Printable(c) + ".", Here());
        return std::nullopt;
      }
      tok.text += c;
      Advance();
      continue;
    }
    Location escape_at = Here();
    char e = Peek(1);
    static constexpr std::string_view kFrom = "\"\\/bfnrt";
    static constexpr std::string_view kTo = "\"\\/\b\f\n\r\t";
    if (size_t i = kFrom.find(e); i != std::string_view::npos && e != '\0') {
      tok.text += kTo[i];
      Advance(2);
      continue;
    }
    if (e == 'u') {
      std::string hex(src_.substr(pos_ + 2, std::min<size_t>(4, src_.size() - std::min(src_.size(), pos_ + 2))));
      bool ok = hex.size() == 4 && hex.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
      if (ok) {
        AppendUtf8(tok.text, static_cast<unsigned>(std::stoul(hex, nullptr, 16)));
        Advance(6);
        continue;
      }
    }
    *error = SyntaxError("Invalid character escape sequence.", escape_at);
    return std::nullopt;
  }
}

std::optional<Token> Lexer::BlockString(Error* error) {
  Token tok;
  tok.location = Here();
  tok.kind = Token::Kind::kBlockString;
  Advance(3);
  std::string raw;
  while (pos_ < src_.size()) {
    if (Peek() == '"' && Peek(1) == '"' && Peek(2) == '"') {
      Advance(3);
      tok.text = DedentBlockString(raw);
      return tok;
    }
    if (Peek() == '\\' && Peek(1) == '"' && Peek(2) == '"' && Peek(3) == '"') {
      raw += "\"\"\"";
      Advance(4);
      continue;
    }
    raw += Peek();
    Advance();
  }
  *error = SyntaxError("Unterminated string.", Here());
  return std::nullopt;
}

}  // namespace idsync::sim::gql
