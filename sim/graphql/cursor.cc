#include "sim/graphql/cursor.h"

namespace idsync::sim::gql {

Cursor::Cursor(std::string_view source) : lexer_(source) { Take(); }

bool Cursor::PeekPunct(std::string_view p) const {
  return current_.kind == Token::Kind::kPunct && current_.text == p;
}

bool Cursor::PeekName(std::string_view name) const {
  return current_.kind == Token::Kind::kName && current_.text == name;
}

bool Cursor::PeekString() const {
  return current_.kind == Token::Kind::kString || current_.kind == Token::Kind::kBlockString;
}

Token Cursor::Take() {
  Token previous = std::move(current_);
  Error error;
  auto next = lexer_.Next(&error);
  if (!next) throw ParseFailure{std::move(error)};
  current_ = std::move(*next);
  return previous;
}

bool Cursor::SkipPunct(std::string_view p) {
  if (!PeekPunct(p)) return false;
  Take();
  return true;
}

void Cursor::ExpectPunct(std::string_view p) {
  if (!PeekPunct(p)) Fail("Expected \"" + std::string(p) + "\", found " + current_.Describe() + ".", current_.location);
  Take();
}

std::string Cursor::ExpectName() {
  if (current_.kind != Token::Kind::kName) Fail("Expected Name, found " + current_.Describe() + ".", current_.location);
  return Take().text;
}

void Cursor::ExpectKeyword(std::string_view word) {
  if (!PeekName(word)) {
    Fail("Expected \"" + std::string(word) + "\", found " + current_.Describe() + ".", current_.location);
  }
  Take();
}

void Cursor::Unexpected() const {
  Fail("Unexpected " + current_.Describe() + ".", current_.location);
}

void Cursor::Fail(std::string what, Location where) const {
  throw ParseFailure{SyntaxError(std::move(what), where)};
}

Cursor::Nested::Nested(Cursor& cursor) : cursor_(cursor) {
  if (++cursor_.depth_ > kMaxDepth) {
    cursor_.Fail("Document nests deeper than " + std::to_string(kMaxDepth) + " levels.",
                 cursor_.current_.location);
  }
}

Value Cursor::ParseValue(bool is_const) {
  Nested nested(*this);
  Value v;
  v.location = current_.location;
  if (PeekPunct("$")) {
    Take();
    v.kind = Value::Kind::kVariable;
    v.text = ExpectName();
    if (is_const) Fail("Unexpected variable \"$" + v.text + "\" in constant value.", v.location);
    return v;
  }
  if (PeekPunct("[")) {
    Take();
    v.kind = Value::Kind::kList;
    while (!SkipPunct("]")) {
      if (AtEof()) Unexpected();
      v.list.push_back(ParseValue(is_const));
    }
    return v;
  }
  if (PeekPunct("{")) {
    Take();
    v.kind = Value::Kind::kObject;
    while (!SkipPunct("}")) {
      std::string name = ExpectName();
      ExpectPunct(":");
      v.fields.push_back(ObjectField{std::move(name), ParseValue(is_const)});
    }
    return v;
  }
  switch (current_.kind) {
    case Token::Kind::kInt: v.kind = Value::Kind::kInt; break;
    case Token::Kind::kFloat: v.kind = Value::Kind::kFloat; break;
    case Token::Kind::kString:
    case Token::Kind::kBlockString: v.kind = Value::Kind::kString; break;
    case Token::Kind::kName:
      if (current_.text == "true" || current_.text == "false") {
        v.kind = Value::Kind::kBoolean;
        v.boolean = current_.text == "true";
      } else if (current_.text == "null") {
        v.kind = Value::Kind::kNull;
      } else {
        v.kind = Value::Kind::kEnum;
      }
      break;
    default: Unexpected();
  }
  v.text = Take().text;
  return v;
}

TypeRef Cursor::ParseType() {
  Nested nested(*this);
  TypeRef type;
  if (SkipPunct("[")) {
    TypeRef inner = ParseType();
    ExpectPunct("]");
    type = TypeRef::ListOf(std::move(inner));
  } else {
    type = TypeRef::Named(ExpectName());
  }
  if (SkipPunct("!")) type = TypeRef::NonNull(std::move(type));
  return type;
}

std::vector<Argument> Cursor::ParseArguments(bool is_const) {
  std::vector<Argument> args;
  if (!SkipPunct("(")) return args;
  if (PeekPunct(")")) Fail("Expected Name, found \")\".", current_.location);
  while (!SkipPunct(")")) {
    Argument arg;
    arg.location = current_.location;
    arg.name = ExpectName();
    ExpectPunct(":");
    arg.value = ParseValue(is_const);
    args.push_back(std::move(arg));
  }
  return args;
}

std::vector<Directive> Cursor::ParseDirectives(bool is_const) {
  std::vector<Directive> out;
  while (PeekPunct("@")) {
    Directive d;
    d.location = current_.location;
    Take();
    d.name = ExpectName();
    d.arguments = ParseArguments(is_const);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace idsync::sim::gql
