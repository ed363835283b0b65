#include "sim/graphql/parser.h"

#include "sim/graphql/cursor.h"

namespace idsync::sim::gql {
namespace {

class DocumentParser {
 public:
  explicit DocumentParser(std::string_view source) : c_(source) {}

  Document Parse() {
    Document doc;
    if (c_.AtEof()) c_.Fail("Unexpected <EOF>.", c_.peek().location);
    while (!c_.AtEof()) doc.operations.push_back(ParseOperation());
    return doc;
  }

 private:
  Operation ParseOperation() {
    Operation op;
    op.location = c_.peek().location;
    if (c_.PeekPunct("{")) {  // query shorthand
      op.selections = ParseSelectionSet();
      return op;
    }
    if (c_.PeekName("fragment")) {
      c_.Fail("Fragments are not supported by this server.", c_.peek().location);
    }
    if (c_.PeekName("query")) {
      op.kind = Operation::Kind::kQuery;
    } else if (c_.PeekName("mutation")) {
      op.kind = Operation::Kind::kMutation;
    } else if (c_.PeekName("subscription")) {
      op.kind = Operation::Kind::kSubscription;
    } else {
      c_.Unexpected();
    }
    c_.Take();
    if (c_.peek().kind == Token::Kind::kName) op.name = c_.Take().text;
    if (c_.SkipPunct("(")) {
      if (c_.PeekPunct(")")) c_.Fail("Expected \"$\", found \")\".", c_.peek().location);
      while (!c_.SkipPunct(")")) op.variables.push_back(ParseVariableDefinition());
    }
    RejectDirectives();
    op.selections = ParseSelectionSet();
    return op;
  }

  VariableDefinition ParseVariableDefinition() {
    VariableDefinition def;
    def.location = c_.peek().location;
    c_.ExpectPunct("$");
    def.name = c_.ExpectName();
    c_.ExpectPunct(":");
    def.type = c_.ParseType();
    if (c_.SkipPunct("=")) {
      def.has_default = true;
      def.default_value = c_.ParseValue(/*is_const=*/true);
    }
    RejectDirectives();
    return def;
  }

  std::vector<Field> ParseSelectionSet() {
    Cursor::Nested nested(c_);
    c_.ExpectPunct("{");
    std::vector<Field> fields;
    if (c_.PeekPunct("}")) c_.Fail("Expected Name, found \"}\".", c_.peek().location);
    while (!c_.SkipPunct("}")) {
      if (c_.PeekPunct("...")) c_.Fail("Fragments are not supported by this server.", c_.peek().location);
      fields.push_back(ParseField());
    }
    return fields;
  }

  Field ParseField() {
    Field f;
    f.location = c_.peek().location;
    std::string first = c_.ExpectName();
    if (c_.SkipPunct(":")) {
      f.alias = std::move(first);
      f.name = c_.ExpectName();
    } else {
      f.name = std::move(first);
    }
    f.arguments = c_.ParseArguments(/*is_const=*/false);
    RejectDirectives();
    if (c_.PeekPunct("{")) {
      f.has_selection_set = true;
      f.selections = ParseSelectionSet();
    }
    return f;
  }

  void RejectDirectives() {
    if (c_.PeekPunct("@")) c_.Fail("Directives are not supported by this server.", c_.peek().location);
  }

  Cursor c_;
};

}  // namespace

std::variant<Document, Error> ParseDocument(std::string_view source) { return RunParser<DocumentParser>(source); }

}  // namespace idsync::sim::gql
