// A token cursor with the grammar pieces that executable documents and SDL share:
// values, type references, directives. Internal to sim/graphql.
//
// Errors are thrown as ParseFailure and caught by ParseDocument()/ParseSchema(),
// which turn them into values; nothing throws out of those functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sim/graphql/ast.h"
#include "sim/graphql/lexer.h"

namespace idsync::sim::gql {

struct ParseFailure {
  Error error;
};

// Runs `Parser(source).Parse()`: its result, or the error of the ParseFailure it threw.
template <typename Parser>
auto RunParser(std::string_view source) -> std::variant<decltype(std::declval<Parser&>().Parse()), Error> {
  try {
    Parser parser(source);
    return parser.Parse();
  } catch (const ParseFailure& failure) {
    return failure.error;
  }
}

// A directive as written (`@deprecated(reason: "...")`); executable documents reject them.
struct Directive {
  std::string name;
  std::vector<Argument> arguments;
  Location location;
};

class Cursor {
 public:
  explicit Cursor(std::string_view source);  // throws ParseFailure

  const Token& peek() const { return current_; }
  bool AtEof() const { return current_.kind == Token::Kind::kEof; }
  bool PeekPunct(std::string_view p) const;
  bool PeekName(std::string_view name) const;
  bool PeekString() const;
  Token Take();

  bool SkipPunct(std::string_view p);  // consumes it when present
  void ExpectPunct(std::string_view p);
  std::string ExpectName();
  void ExpectKeyword(std::string_view word);
  [[noreturn]] void Unexpected() const;
  [[noreturn]] void Fail(std::string what, Location where) const;

  Value ParseValue(bool is_const);
  TypeRef ParseType();
  std::vector<Argument> ParseArguments(bool is_const);  // "(a: 1, b: $x)" or nothing
  std::vector<Directive> ParseDirectives(bool is_const);

  // The grammar is recursive (selection sets, list and object values, list types); a
  // document nesting deeper than kMaxDepth is a syntax error, so a hostile request cannot
  // exhaust the stack of the server thread parsing it (found by fuzz/graphql_fuzz).
  static constexpr int kMaxDepth = 128;
  class Nested {  // one level for its lifetime; throws ParseFailure past kMaxDepth
   public:
    explicit Nested(Cursor& cursor);
    ~Nested() { --cursor_.depth_; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;

   private:
    Cursor& cursor_;
  };

 private:
  Lexer lexer_;
  Token current_;
  int depth_ = 0;
};

}  // namespace idsync::sim::gql
