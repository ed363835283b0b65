#include "sim/graphql/ast.h"

namespace idsync::sim::gql {

nlohmann::ordered_json ErrorToJson(const Error& error) {
  nlohmann::ordered_json out = {{"message", error.message}};
  if (!error.locations.empty()) {
    nlohmann::ordered_json locs = nlohmann::ordered_json::array();
    for (const Location& l : error.locations) locs.push_back({{"line", l.line}, {"column", l.column}});
    out["locations"] = std::move(locs);
  }
  if (!error.path.is_null()) out["path"] = error.path;
  if (!error.code.empty()) out["extensions"] = {{"code", error.code}};
  return out;
}

TypeRef TypeRef::Named(std::string name) {
  TypeRef t;
  t.kind = Kind::kNamed;
  t.name = std::move(name);
  return t;
}

TypeRef TypeRef::ListOf(TypeRef inner) {
  TypeRef t;
  t.kind = Kind::kList;
  t.of = std::make_shared<const TypeRef>(std::move(inner));
  return t;
}

TypeRef TypeRef::NonNull(TypeRef inner) {
  TypeRef t;
  t.kind = Kind::kNonNull;
  t.of = std::make_shared<const TypeRef>(std::move(inner));
  return t;
}

const std::string& TypeRef::NamedType() const { return kind == Kind::kNamed ? name : of->NamedType(); }

std::string TypeRef::ToString() const {
  switch (kind) {
    case Kind::kNamed: return name;
    case Kind::kList: return "[" + of->ToString() + "]";
    case Kind::kNonNull: return of->ToString() + "!";
  }
  return name;
}

std::string Value::ToString() const {
  switch (kind) {
    case Kind::kVariable: return "$" + text;
    case Kind::kInt:
    case Kind::kFloat:
    case Kind::kEnum: return text;
    case Kind::kString: return nlohmann::json(text).dump();
    case Kind::kBoolean: return boolean ? "true" : "false";
    case Kind::kNull: return "null";
    case Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + list[i].ToString();
      return out + "]";
    }
    case Kind::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < fields.size(); ++i) {
        out += (i ? ", " : "") + fields[i].first + ": " + fields[i].second.ToString();
      }
      return out + "}";
    }
  }
  return "";
}

const char* OperationKindName(Operation::Kind kind) {
  switch (kind) {
    case Operation::Kind::kQuery: return "query";
    case Operation::Kind::kMutation: return "mutation";
    case Operation::Kind::kSubscription: return "subscription";
  }
  return "query";
}

}  // namespace idsync::sim::gql
