#include "sim/graphql/schema.h"

#include <algorithm>

#include "sim/graphql/cursor.h"

namespace idsync::sim::gql {

const InputValueDef* FieldDef::FindArgument(std::string_view arg) const {
  auto it = std::ranges::find(arguments, arg, &InputValueDef::name);
  return it == arguments.end() ? nullptr : &*it;
}

const FieldDef* TypeDef::FindField(std::string_view field) const {
  auto it = std::ranges::find(fields, field, &FieldDef::name);
  return it == fields.end() ? nullptr : &*it;
}

const InputValueDef* TypeDef::FindInputField(std::string_view field) const {
  auto it = std::ranges::find(input_fields, field, &InputValueDef::name);
  return it == input_fields.end() ? nullptr : &*it;
}

bool TypeDef::HasEnumValue(std::string_view value) const {
  return std::ranges::find(enum_values, value) != enum_values.end();
}

const TypeDef* Schema::Find(std::string_view name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

const ScalarCheck* Schema::FindScalarCheck(std::string_view scalar) const {
  auto it = checks_.find(scalar);
  return it == checks_.end() ? nullptr : &it->second;
}

class SdlParser {
 public:
  explicit SdlParser(std::string_view sdl) : c_(sdl) {}

  Schema Parse() {
    for (const char* builtin : {"String", "Int", "Float", "Boolean", "ID"}) {
      TypeDef t;
      t.name = builtin;
      schema_.types_[builtin] = std::move(t);
    }
    while (!c_.AtEof()) ParseDefinition();
    CheckReferences();
    return std::move(schema_);
  }

 private:
  std::string ParseDescription() {
    if (!c_.PeekString()) return "";
    return c_.Take().text;
  }

  void ParseDefinition() {
    std::string description = ParseDescription();
    Location at = c_.peek().location;
    if (c_.PeekName("schema")) return ParseSchemaBlock();
    if (c_.peek().kind != Token::Kind::kName) c_.Unexpected();
    std::string keyword = c_.peek().text;
    TypeDef t;
    t.description = std::move(description);
    if (keyword == "scalar") {
      c_.Take();
      t.kind = TypeDef::Kind::kScalar;
      t.name = c_.ExpectName();
      c_.ParseDirectives(true);
    } else if (keyword == "enum") {
      c_.Take();
      t.kind = TypeDef::Kind::kEnum;
      t.name = c_.ExpectName();
      c_.ParseDirectives(true);
      c_.ExpectPunct("{");
      while (!c_.SkipPunct("}")) {
        ParseDescription();
        std::string value = c_.ExpectName();
        if (value == "true" || value == "false" || value == "null") {
          c_.Fail("Name \"" + value + "\" is reserved and cannot be used for an enum value.", at);
        }
        c_.ParseDirectives(true);
        t.enum_values.push_back(std::move(value));
      }
    } else if (keyword == "type") {
      c_.Take();
      t.kind = TypeDef::Kind::kObject;
      t.name = c_.ExpectName();
      if (c_.PeekName("implements")) c_.Fail("Interfaces are not supported by this schema parser.", at);
      c_.ParseDirectives(true);
      c_.ExpectPunct("{");
      while (!c_.SkipPunct("}")) t.fields.push_back(ParseFieldDef());
    } else if (keyword == "input") {
      c_.Take();
      t.kind = TypeDef::Kind::kInputObject;
      t.name = c_.ExpectName();
      c_.ParseDirectives(true);
      c_.ExpectPunct("{");
      while (!c_.SkipPunct("}")) t.input_fields.push_back(ParseInputValueDef());
    } else if (keyword == "interface" || keyword == "union" || keyword == "extend" || keyword == "directive") {
      c_.Fail("\"" + keyword + "\" definitions are not supported by this schema parser.", at);
    } else {
      c_.Unexpected();
    }
    if (schema_.types_.contains(t.name)) {
      throw ParseFailure{Error{"There can be only one type named \"" + t.name + "\".", {at}, nullptr, ""}};
    }
    schema_.types_[t.name] = std::move(t);
  }

  void ParseSchemaBlock() {
    c_.Take();
    c_.ParseDirectives(true);
    c_.ExpectPunct("{");
    schema_.mutation_.clear();
    while (!c_.SkipPunct("}")) {
      Location at = c_.peek().location;
      std::string op = c_.ExpectName();
      c_.ExpectPunct(":");
      std::string type = c_.ExpectName();
      if (op == "query") {
        schema_.query_ = type;
      } else if (op == "mutation") {
        schema_.mutation_ = type;
      } else if (op != "subscription") {
        c_.Fail("Unknown operation type \"" + op + "\".", at);
      }
    }
  }

  FieldDef ParseFieldDef() {
    FieldDef f;
    f.description = ParseDescription();
    f.name = c_.ExpectName();
    if (c_.SkipPunct("(")) {
      while (!c_.SkipPunct(")")) f.arguments.push_back(ParseInputValueDef());
    }
    c_.ExpectPunct(":");
    f.type = c_.ParseType();
    for (const Directive& d : c_.ParseDirectives(true)) {
      if (d.name != "deprecated") continue;
      f.deprecation_reason = "No longer supported";
      for (const Argument& a : d.arguments) {
        if (a.name == "reason" && a.value.kind == Value::Kind::kString) f.deprecation_reason = a.value.text;
      }
    }
    return f;
  }

  InputValueDef ParseInputValueDef() {
    InputValueDef v;
    v.description = ParseDescription();
    v.name = c_.ExpectName();
    c_.ExpectPunct(":");
    v.type = c_.ParseType();
    if (c_.SkipPunct("=")) v.default_value = c_.ParseValue(/*is_const=*/true);
    c_.ParseDirectives(true);
    return v;
  }

  // Every referenced type exists, outputs are not input objects, inputs are input types.
  void CheckReferences() {
    auto fail = [](std::string message) { throw ParseFailure{Error{std::move(message), {}, nullptr, ""}}; };
    auto check_input = [&](const TypeRef& ref, const std::string& where) {
      const TypeDef* t = schema_.Find(ref.NamedType());
      if (!t) fail("Unknown type \"" + ref.NamedType() + "\" referenced by " + where + ".");
      if (!t->IsInput()) fail("The type of " + where + " must be Input Type but got: " + ref.ToString() + ".");
    };
    for (const auto& [name, t] : schema_.types_) {
      for (const FieldDef& f : t.fields) {
        std::string where = "field \"" + name + "." + f.name + "\"";
        const TypeDef* out = schema_.Find(f.type.NamedType());
        if (!out) fail("Unknown type \"" + f.type.NamedType() + "\" referenced by " + where + ".");
        if (out->kind == TypeDef::Kind::kInputObject) {
          fail("The type of " + where + " must be Output Type but got: " + f.type.ToString() + ".");
        }
        for (const InputValueDef& a : f.arguments) {
          check_input(a.type, "argument \"" + name + "." + f.name + "(" + a.name + ":)\"");
        }
      }
      for (const InputValueDef& a : t.input_fields) check_input(a.type, "input field \"" + name + "." + a.name + "\"");
    }
    const TypeDef* query = schema_.query_type();
    if (!query || query->kind != TypeDef::Kind::kObject) fail("Query root type must be provided.");
    if (!schema_.mutation_.empty() && !schema_.Find(schema_.mutation_)) schema_.mutation_.clear();
  }

  Cursor c_;
  Schema schema_;
};

std::variant<Schema, Error> ParseSchema(std::string_view sdl) { return RunParser<SdlParser>(sdl); }

}  // namespace idsync::sim::gql
