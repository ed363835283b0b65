#include "sim/graphql/execute.h"

#include <algorithm>
#include <optional>

#include "sim/graphql/values.h"

namespace idsync::sim::gql {
namespace {

constexpr const char* kInternal = "INTERNAL_SERVER_ERROR";

// Where a value is in the response: links on the stack, turned into the JSON path
// (["listUsers", "activeUsers", 3, "email"]) only when an error needs it, so that
// completing a list of 100,000 objects builds no path at all.
struct Path {
  const Path* parent = nullptr;
  const std::string* key = nullptr;  // a response key; null: a list index
  size_t index = 0;

  nlohmann::json ToJson() const {
    std::vector<const Path*> links;
    for (const Path* p = this; p; p = p->parent) links.push_back(p);
    nlohmann::json out = nlohmann::json::array();
    for (auto it = links.rbegin(); it != links.rend(); ++it) {
      if ((*it)->key) {
        out.push_back(*(*it)->key);
      } else {
        out.push_back((*it)->index);
      }
    }
    return out;
  }
};

// Resolver values are completed in place: their strings are moved into the answer,
// not copied (the executor owns each resolver's result); a field selected twice in
// one object is completed from a copy each time.
class Executor {
 public:
  Executor(const Schema& schema, const Resolvers& resolvers, const nlohmann::json& variables)
      : schema_(schema), resolvers_(resolvers), variables_(variables) {}

  ExecutionResult Run(const Operation& op) {
    const TypeDef* root = op.kind == Operation::Kind::kMutation ? schema_.mutation_type() : schema_.query_type();
    nlohmann::ordered_json data = nlohmann::ordered_json::object();
    bool null_data = false;
    for (const Field& f : op.selections) {
      const Path path{nullptr, &f.ResponseKey()};
      if (f.name == "__typename") {
        data[f.ResponseKey()] = root->name;
        continue;
      }
      const FieldDef* def = root->FindField(f.name);
      std::optional<nlohmann::ordered_json> value = ResolveRoot(*root, *def, f, path);
      if (!value) {
        null_data = true;  // a non-null root field failed: data itself becomes null
        continue;
      }
      data[f.ResponseKey()] = std::move(*value);
    }
    return {null_data ? nlohmann::ordered_json(nullptr) : std::move(data), std::move(errors_)};
  }

 private:
  nlohmann::json Arguments(const FieldDef& def, const Field& f) {
    nlohmann::json args = nlohmann::json::object();
    for (const InputValueDef& a : def.arguments) {
      auto given = std::ranges::find(f.arguments, a.name, &Argument::name);
      std::optional<nlohmann::json> v;
      if (given != f.arguments.end()) v = LiteralToJson(schema_, given->value, a.type, variables_);
      if (!v && a.default_value) v = LiteralToJson(schema_, *a.default_value, a.type, variables_);
      if (v) args[a.name] = std::move(*v);
    }
    return args;
  }

  // The completed value, or nullopt when null must propagate to the parent.
  std::optional<nlohmann::ordered_json> ResolveRoot(const TypeDef& root, const FieldDef& def, const Field& f,
                                                    const Path& path) {
    const Resolver* resolver = resolvers_.Find(root.name, f.name);
    FieldResult result = resolver ? (*resolver)(Arguments(def, f))
                                  : FieldResult::Fail("Resolver for " + root.name + "." + f.name + " is not implemented.",
                                                      kInternal);
    for (Error& e : result.errors) {
      if (e.path.is_null()) e.path = path.ToJson();
      if (e.locations.empty()) e.locations.push_back(f.location);
      errors_.push_back(std::move(e));
    }
    bool had_errors = !result.errors.empty();
    if (result.value.is_null() && def.type.non_null() && had_errors) return std::nullopt;
    return Complete(def.type, f, result.value, path, root.name);
  }

  // Completes a value of `type` (the field `f` of `parent`), moving from `value`.
  // nullopt: the value is null where the type is non-null, and the null propagates
  // to the parent.
  std::optional<nlohmann::ordered_json> Complete(const TypeRef& type, const Field& f, nlohmann::json& value,
                                                 const Path& path, const std::string& parent) {
    if (!type.non_null()) return CompleteNullable(type, f, value, path, parent);
    if (value.is_null()) {
      errors_.push_back(Error{"Cannot return null for non-nullable field " + parent + "." + f.name + ".",
                              {f.location}, path.ToJson(), kInternal});
      return std::nullopt;
    }
    nlohmann::ordered_json out = CompleteNullable(*type.of, f, value, path, parent);
    if (out.is_null()) return std::nullopt;  // an error inside was already reported
    return out;
  }

  nlohmann::ordered_json CompleteNullable(const TypeRef& type, const Field& f, nlohmann::json& value,
                                          const Path& path, const std::string& parent) {
    if (value.is_null()) return nullptr;
    if (type.kind == TypeRef::Kind::kList) {
      if (!value.is_array()) return Fail("Expected Iterable for field \"" + parent + "." + f.name + "\".", f, path);
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      out.get_ref<nlohmann::ordered_json::array_t&>().reserve(value.size());
      for (size_t i = 0; i < value.size(); ++i) {
        auto item = Complete(*type.of, f, value[i], Path{&path, nullptr, i}, parent);
        if (!item) return nullptr;
        out.push_back(std::move(*item));
      }
      return out;
    }
    const TypeDef* t = schema_.Find(type.name);
    if (t->kind == TypeDef::Kind::kEnum) {
      if (!value.is_string() || !t->HasEnumValue(value.get_ref<const std::string&>())) {
        return Fail("Enum \"" + t->name + "\" cannot represent value: " + Inspect(value), f, path);
      }
      return Scalar(value);
    }
    if (t->kind == TypeDef::Kind::kScalar) return Scalar(value);
    return CompleteObject(*t, f, value, path);
  }

  // A leaf value; a string is moved, not copied.
  static nlohmann::ordered_json Scalar(nlohmann::json& value) {
    if (value.is_string()) return nlohmann::ordered_json(std::move(value.get_ref<std::string&>()));
    return nlohmann::ordered_json(value);
  }

  nlohmann::ordered_json CompleteObject(const TypeDef& t, const Field& f, nlohmann::json& value, const Path& path) {
    if (!value.is_object()) return Fail("Expected an object for field \"" + f.name + "\".", f, path);
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    // Room for every member first: an ordered_map's keys are const, so growing it
    // copies each member (for 100,000 users, a third of completing the answer).
    out.get_ref<nlohmann::ordered_json::object_t&>().reserve(f.selections.size());
    for (const Field& sub : f.selections) {
      const Path sub_path{&path, &sub.ResponseKey()};
      if (sub.name == "__typename") {
        out[sub.ResponseKey()] = t.name;
        continue;
      }
      const FieldDef* def = t.FindField(sub.name);
      auto found = value.find(sub.name);
      nlohmann::json absent;  // a field the resolver left out is null
      if (found != value.end() && std::ranges::count(f.selections, sub.name, &Field::name) > 1) {
        absent = *found;  // selected again (under another alias): complete a copy
        found = value.end();
      }
      nlohmann::json& sub_value = found == value.end() ? absent : *found;
      auto completed = Complete(def->type, sub, sub_value, sub_path, t.name);
      if (!completed) return nullptr;
      out[sub.ResponseKey()] = std::move(*completed);
    }
    return out;
  }

  nlohmann::ordered_json Fail(std::string message, const Field& f, const Path& path) {
    errors_.push_back(Error{std::move(message), {f.location}, path.ToJson(), kInternal});
    return nlohmann::ordered_json(nullptr);
  }

  const Schema& schema_;
  const Resolvers& resolvers_;
  const nlohmann::json& variables_;
  std::vector<Error> errors_;
};

}  // namespace

void Resolvers::Add(const std::string& root, const std::string& field, Resolver resolver) {
  resolvers_[{root, field}] = std::move(resolver);
}

const Resolver* Resolvers::Find(const std::string& root, const std::string& field) const {
  auto it = resolvers_.find({root, field});
  return it == resolvers_.end() ? nullptr : &it->second;
}

std::variant<nlohmann::json, std::vector<Error>> CoerceVariables(const Schema& schema, const Operation& operation,
                                                                 const nlohmann::json& inputs) {
  constexpr const char* kBadInput = "BAD_USER_INPUT";
  nlohmann::json out = nlohmann::json::object();
  std::vector<Error> errors;
  for (const VariableDefinition& def : operation.variables) {
    const std::string var = "Variable \"$" + def.name + "\"";
    bool given = inputs.is_object() && inputs.contains(def.name);
    if (!given) {
      if (def.has_default) {
        out[def.name] = LiteralToJson(schema, def.default_value, def.type, out).value_or(nullptr);
      } else if (def.type.non_null()) {
        errors.push_back({var + " of required type \"" + def.type.ToString() + "\" was not provided.",
                          {def.location}, nullptr, kBadInput});
      }
      continue;
    }
    const nlohmann::json& value = inputs.at(def.name);
    if (value.is_null() && def.type.non_null()) {
      errors.push_back({var + " of non-null type \"" + def.type.ToString() + "\" must not be null.",
                        {def.location}, nullptr, kBadInput});
      continue;
    }
    auto coerced = CoerceInput(schema, value, def.type);
    if (auto* why = std::get_if<std::string>(&coerced)) {
      errors.push_back({var + " got invalid value " + Inspect(value) + "; " + *why, {def.location}, nullptr, kBadInput});
      continue;
    }
    out[def.name] = std::get<nlohmann::json>(std::move(coerced));
  }
  if (!errors.empty()) return errors;
  return out;
}

ExecutionResult Execute(const Schema& schema, const Resolvers& resolvers, const Operation& operation,
                        const nlohmann::json& variables) {
  return Executor(schema, resolvers, variables).Run(operation);
}

}  // namespace idsync::sim::gql
