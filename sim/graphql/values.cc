#include "sim/graphql/values.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace idsync::sim::gql {
namespace {

bool FitsInt32(const nlohmann::json& v) {
  if (v.is_number_integer()) {
    auto i = v.get<int64_t>();
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT32_MAX)) return false;
    return i >= std::numeric_limits<int32_t>::min() && i <= std::numeric_limits<int32_t>::max();
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    return std::trunc(d) == d && d >= std::numeric_limits<int32_t>::min() && d <= std::numeric_limits<int32_t>::max();
  }
  return false;
}

// A built-in scalar's rule for a JSON value; nullopt when it is acceptable.
std::optional<std::string> CheckBuiltinScalar(const std::string& name, const nlohmann::json& v) {
  if (name == "String") {
    if (!v.is_string()) return "String cannot represent a non string value: " + Inspect(v);
  } else if (name == "Int") {
    if (!v.is_number()) return "Int cannot represent non-integer value: " + Inspect(v);
    if (!FitsInt32(v)) return "Int cannot represent non 32-bit signed integer value: " + Inspect(v);
  } else if (name == "Float") {
    if (!v.is_number()) return "Float cannot represent non numeric value: " + Inspect(v);
  } else if (name == "Boolean") {
    if (!v.is_boolean()) return "Boolean cannot represent a non boolean value: " + Inspect(v);
  } else if (name == "ID") {
    if (!v.is_string() && !v.is_number_integer()) {
      return "ID cannot represent a non-string and non-integer value: " + Inspect(v);
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckScalar(const Schema& schema, const TypeDef& t, const nlohmann::json& v) {
  if (auto error = CheckBuiltinScalar(t.name, v)) return error;
  if (const ScalarCheck* check = schema.FindScalarCheck(t.name)) return (*check)(v);
  return std::nullopt;
}

// A scalar literal as the JSON a client would have sent for it.
nlohmann::json ScalarLiteralJson(const Value& literal) {
  switch (literal.kind) {
    case Value::Kind::kInt: {
      try {
        return std::stoll(literal.text);
      } catch (const std::exception&) {
        return std::stod(literal.text);
      }
    }
    case Value::Kind::kFloat: return std::stod(literal.text);
    case Value::Kind::kString: return literal.text;
    case Value::Kind::kBoolean: return literal.boolean;
    default: return nullptr;
  }
}

}  // namespace

std::string Inspect(const nlohmann::json& value) {
  if (value.is_object()) {
    std::string out = "{ ";
    bool first = true;
    for (const auto& [k, v] : value.items()) {
      out += (first ? "" : ", ") + k + ": " + Inspect(v);
      first = false;
    }
    return value.empty() ? "{}" : out + " }";
  }
  if (value.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + Inspect(value[i]);
    return out + "]";
  }
  return value.dump();
}

namespace {

// CheckLiteral for an input object type `t`: every field given is defined and valid,
// every required field without a default is given.
std::optional<std::string> CheckInputObject(const Schema& schema, const Value& literal, const TypeDef& t,
                                            const VariableVisitor& on_variable) {
  if (literal.kind != Value::Kind::kObject) {
    return "Expected value of type \"" + t.name + "\", found " + literal.ToString() + ".";
  }
  for (const auto& [name, value] : literal.fields) {
    const InputValueDef* f = t.FindInputField(name);
    if (!f) return "Field \"" + name + "\" is not defined by type \"" + t.name + "\".";
    if (auto error = CheckLiteral(schema, value, f->type, on_variable)) return error;
  }
  for (const InputValueDef& f : t.input_fields) {
    bool given = std::ranges::any_of(literal.fields, [&](const auto& kv) { return kv.first == f.name; });
    if (!given && f.type.non_null() && !f.default_value) {
      return "Field \"" + t.name + "." + f.name + "\" of required type \"" + f.type.ToString() +
             "\" was not provided.";
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> CheckLiteral(const Schema& schema, const Value& literal, const TypeRef& type,
                                        const VariableVisitor& on_variable) {
  if (literal.kind == Value::Kind::kVariable) {
    on_variable(literal, type);
    return std::nullopt;
  }
  if (type.non_null()) {
    if (literal.kind == Value::Kind::kNull) {
      return "Expected value of type \"" + type.ToString() + "\", found null.";
    }
    return CheckLiteral(schema, literal, *type.of, on_variable);
  }
  if (literal.kind == Value::Kind::kNull) return std::nullopt;
  if (type.kind == TypeRef::Kind::kList) {
    if (literal.kind != Value::Kind::kList) return CheckLiteral(schema, literal, *type.of, on_variable);
    for (const Value& item : literal.list) {
      if (auto error = CheckLiteral(schema, item, *type.of, on_variable)) return error;
    }
    return std::nullopt;
  }
  const TypeDef* t = schema.Find(type.name);
  if (!t) return "Unknown type \"" + type.name + "\".";
  switch (t->kind) {
    case TypeDef::Kind::kEnum:
      if (literal.kind != Value::Kind::kEnum) {
        return "Enum \"" + t->name + "\" cannot represent non-enum value: " + literal.ToString() + ".";
      }
      if (!t->HasEnumValue(literal.text)) {
        return "Value \"" + literal.text + "\" does not exist in \"" + t->name + "\" enum.";
      }
      return std::nullopt;
    case TypeDef::Kind::kScalar: {
      bool scalar_literal = literal.kind == Value::Kind::kInt || literal.kind == Value::Kind::kFloat ||
                            literal.kind == Value::Kind::kString || literal.kind == Value::Kind::kBoolean;
      if (!scalar_literal) {
        return "Expected value of type \"" + type.ToString() + "\", found " + literal.ToString() + ".";
      }
      return CheckScalar(schema, *t, ScalarLiteralJson(literal));
    }
    case TypeDef::Kind::kInputObject: return CheckInputObject(schema, literal, *t, on_variable);
    case TypeDef::Kind::kObject: return "Type \"" + t->name + "\" is not an input type.";
  }
  return std::nullopt;
}

std::variant<nlohmann::json, std::string> CoerceInput(const Schema& schema, const nlohmann::json& value,
                                                      const TypeRef& type) {
  if (type.non_null()) {
    if (value.is_null()) return "Expected non-nullable type \"" + type.ToString() + "\" not to be null.";
    return CoerceInput(schema, value, *type.of);
  }
  if (value.is_null()) return nlohmann::json(nullptr);
  if (type.kind == TypeRef::Kind::kList) {
    nlohmann::json out = nlohmann::json::array();
    if (!value.is_array()) {
      auto item = CoerceInput(schema, value, *type.of);
      if (auto* error = std::get_if<std::string>(&item)) return *error;
      out.push_back(std::get<nlohmann::json>(std::move(item)));
      return out;
    }
    for (const nlohmann::json& v : value) {
      auto item = CoerceInput(schema, v, *type.of);
      if (auto* error = std::get_if<std::string>(&item)) return *error;
      out.push_back(std::get<nlohmann::json>(std::move(item)));
    }
    return out;
  }
  const TypeDef* t = schema.Find(type.name);
  if (!t) return "Unknown type \"" + type.name + "\".";
  switch (t->kind) {
    case TypeDef::Kind::kEnum:
      if (!value.is_string()) return "Enum \"" + t->name + "\" cannot represent non-string value: " + Inspect(value) + ".";
      if (!t->HasEnumValue(value.get<std::string>())) {
        return "Value \"" + value.get<std::string>() + "\" does not exist in \"" + t->name + "\" enum.";
      }
      return value;
    case TypeDef::Kind::kScalar:
      if (auto error = CheckScalar(schema, *t, value)) return *error;
      return value;
    case TypeDef::Kind::kInputObject: {
      if (!value.is_object()) return "Expected type \"" + t->name + "\" to be an object.";
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [name, v] : value.items()) {
        if (!t->FindInputField(name)) return "Field \"" + name + "\" is not defined by type \"" + t->name + "\".";
      }
      for (const InputValueDef& f : t->input_fields) {
        if (!value.contains(f.name)) {
          if (f.default_value) {
            out[f.name] = LiteralToJson(schema, *f.default_value, f.type, nlohmann::json::object()).value_or(nullptr);
          } else if (f.type.non_null()) {
            return "Field \"" + f.name + "\" of required type \"" + f.type.ToString() + "\" was not provided.";
          }
          continue;
        }
        auto field = CoerceInput(schema, value.at(f.name), f.type);
        if (auto* error = std::get_if<std::string>(&field)) return *error;
        out[f.name] = std::get<nlohmann::json>(std::move(field));
      }
      return out;
    }
    case TypeDef::Kind::kObject: return "Type \"" + t->name + "\" is not an input type.";
  }
  return value;
}

std::optional<nlohmann::json> LiteralToJson(const Schema& schema, const Value& literal, const TypeRef& type,
                                            const nlohmann::json& variables) {
  if (literal.kind == Value::Kind::kVariable) {
    if (!variables.contains(literal.text)) return std::nullopt;
    return variables.at(literal.text);
  }
  const TypeRef& bare = type.non_null() ? *type.of : type;
  if (literal.kind == Value::Kind::kNull) return nlohmann::json(nullptr);
  if (bare.kind == TypeRef::Kind::kList) {
    nlohmann::json out = nlohmann::json::array();
    if (literal.kind != Value::Kind::kList) {
      out.push_back(LiteralToJson(schema, literal, *bare.of, variables).value_or(nullptr));
      return out;
    }
    for (const Value& item : literal.list) out.push_back(LiteralToJson(schema, item, *bare.of, variables).value_or(nullptr));
    return out;
  }
  const TypeDef* t = schema.Find(bare.name);
  if (literal.kind == Value::Kind::kEnum) return nlohmann::json(literal.text);
  if (literal.kind != Value::Kind::kObject || !t || t->kind != TypeDef::Kind::kInputObject) {
    return ScalarLiteralJson(literal);
  }
  nlohmann::json out = nlohmann::json::object();
  for (const InputValueDef& f : t->input_fields) {
    auto given = std::ranges::find_if(literal.fields, [&](const auto& kv) { return kv.first == f.name; });
    std::optional<nlohmann::json> v;
    if (given != literal.fields.end()) v = LiteralToJson(schema, given->second, f.type, variables);
    if (!v && f.default_value) v = LiteralToJson(schema, *f.default_value, f.type, variables);
    if (v) out[f.name] = std::move(*v);
  }
  return out;
}

}  // namespace idsync::sim::gql
