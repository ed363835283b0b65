// GraphQL lexical analysis (October 2021 spec): punctuators, names, numbers, strings
// and block strings; whitespace, commas and comments are skipped.
//
// Thread-safety: a Lexer is used by one thread; it reads a string it does not own.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sim/graphql/ast.h"

namespace idsync::sim::gql {

struct Token {
  enum class Kind { kEof, kPunct, kName, kInt, kFloat, kString, kBlockString };
  Kind kind = Kind::kEof;
  std::string text;  // punctuator ("...", "{"), name, number text, or decoded string
  Location location;

  // How graphql-js names a token in "Expected X, found Y.": <EOF>, "{", Name "foo".
  std::string Describe() const;
};

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

  // The next token. On a lexical error returns nullopt and sets *error to a
  // "Syntax Error: ..." with the location of the offending character.
  std::optional<Token> Next(Error* error);

 private:
  char Peek(size_t ahead = 0) const { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0'; }
  void Advance(size_t n = 1);
  void SkipIgnored();
  Location Here() const { return {line_, static_cast<int>(pos_ - line_start_) + 1}; }
  std::optional<Token> Number(Error* error);
  std::optional<Token> String(Error* error);
  std::optional<Token> BlockString(Error* error);

  std::string_view src_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

// "Syntax Error: <what>" at a location.
Error SyntaxError(std::string what, Location where);

}  // namespace idsync::sim::gql
