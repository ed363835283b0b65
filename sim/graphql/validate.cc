#include "sim/graphql/validate.h"

#include <algorithm>
#include <map>
#include <set>

#include "sim/graphql/values.h"

namespace idsync::sim::gql {
namespace {

constexpr const char* kInvalid = "GRAPHQL_VALIDATION_FAILED";

// graphql-js isTypeSubTypeOf for input positions: a `String!` variable may go where
// `String` is expected, not the other way round.
bool Compatible(const TypeRef& variable, const TypeRef& location) {
  if (location.non_null()) return variable.non_null() && Compatible(*variable.of, *location.of);
  if (variable.non_null()) return Compatible(*variable.of, location);
  if (location.kind == TypeRef::Kind::kList) {
    return variable.kind == TypeRef::Kind::kList && Compatible(*variable.of, *location.of);
  }
  if (variable.kind == TypeRef::Kind::kList) return false;
  return variable.name == location.name;
}

class OperationValidator {
 public:
  OperationValidator(const Schema& schema, const Operation& op, std::vector<Error>* errors)
      : schema_(schema), op_(op), errors_(errors) {}

  void Run() {
    const TypeDef* root = RootType();
    CheckVariableDefinitions();
    if (root) CheckSelections(*root, op_.selections);
    for (const VariableDefinition& def : op_.variables) {
      if (!used_.contains(def.name)) {
        Add("Variable \"$" + def.name + "\" is never used" + InOperation() + ".", def.location);
      }
    }
  }

 private:
  const TypeDef* RootType() {
    switch (op_.kind) {
      case Operation::Kind::kQuery: return schema_.query_type();
      case Operation::Kind::kMutation:
        if (!schema_.mutation_type()) Add("Schema is not configured to execute mutation operation.", op_.location);
        return schema_.mutation_type();
      case Operation::Kind::kSubscription:
        Add("Schema is not configured to execute subscription operation.", op_.location);
        return nullptr;
    }
    return nullptr;
  }

  std::string InOperation() const { return op_.name.empty() ? "" : " in operation \"" + op_.name + "\""; }

  void Add(std::string message, Location at) { errors_->push_back(Error{std::move(message), {at}, nullptr, kInvalid}); }

  void CheckVariableDefinitions() {
    std::set<std::string> seen;
    for (const VariableDefinition& def : op_.variables) {
      if (!seen.insert(def.name).second) {
        Add("There can be only one variable named \"$" + def.name + "\".", def.location);
      }
      const TypeDef* t = schema_.Find(def.type.NamedType());
      if (!t) {
        Add("Unknown type \"" + def.type.NamedType() + "\".", def.location);
        continue;
      }
      if (!t->IsInput()) {
        Add("Variable \"$" + def.name + "\" cannot be non-input type \"" + def.type.ToString() + "\".", def.location);
        continue;
      }
      if (def.has_default) {
        auto ignore = [](const Value&, const TypeRef&) {};
        if (auto why = CheckLiteral(schema_, def.default_value, def.type, ignore)) Add(*why, def.default_value.location);
      }
    }
  }

  const VariableDefinition* FindVariable(const std::string& name) const {
    auto it = std::ranges::find(op_.variables, name, &VariableDefinition::name);
    return it == op_.variables.end() ? nullptr : &*it;
  }

  void CheckVariableUse(const Value& var, const TypeRef& expected, bool location_has_default) {
    used_.insert(var.text);
    const VariableDefinition* def = FindVariable(var.text);
    if (!def) {
      Add("Variable \"$" + var.text + "\" is not defined" + InOperation() + ".", var.location);
      return;
    }
    if (!schema_.Find(def->type.NamedType())) return;  // reported with the definition
    bool ok = Compatible(def->type, expected);
    if (!ok && expected.non_null() && !def->type.non_null()) {
      bool has_default = (def->has_default && def->default_value.kind != Value::Kind::kNull) || location_has_default;
      ok = has_default && Compatible(def->type, *expected.of);
    }
    if (!ok) {
      Add("Variable \"$" + var.text + "\" of type \"" + def->type.ToString() +
              "\" used in position expecting type \"" + expected.ToString() + "\".",
          var.location);
    }
  }

  void CheckSelections(const TypeDef& parent, const std::vector<Field>& fields) {
    for (const Field& f : fields) CheckField(parent, f);
  }

  void CheckField(const TypeDef& parent, const Field& f) {
    if (f.name == "__typename") {
      if (!f.arguments.empty()) Add("Unknown argument \"" + f.arguments[0].name + "\" on field \"__typename\".", f.location);
      if (f.has_selection_set) {
        Add("Field \"__typename\" must not have a selection since type \"String!\" has no subfields.", f.location);
      }
      return;
    }
    const FieldDef* def = parent.FindField(f.name);
    if (!def) {
      Add("Cannot query field \"" + f.name + "\" on type \"" + parent.name + "\".", f.location);
      return;
    }
    CheckArguments(parent, *def, f);
    const TypeDef* type = schema_.Find(def->type.NamedType());
    if (!type) return;
    if (type->IsLeaf() && f.has_selection_set) {
      Add("Field \"" + f.name + "\" must not have a selection since type \"" + def->type.ToString() +
              "\" has no subfields.",
          f.location);
    } else if (!type->IsLeaf() && !f.has_selection_set) {
      Add("Field \"" + f.name + "\" of type \"" + def->type.ToString() +
              "\" must have a selection of subfields. Did you mean \"" + f.name + " { ... }\"?",
          f.location);
    } else if (!type->IsLeaf()) {
      CheckSelections(*type, f.selections);
    }
  }

  void CheckArguments(const TypeDef& parent, const FieldDef& def, const Field& f) {
    std::set<std::string> given;
    for (const Argument& arg : f.arguments) {
      if (!given.insert(arg.name).second) {
        Add("There can be only one argument named \"" + arg.name + "\".", arg.location);
        continue;
      }
      const InputValueDef* arg_def = def.FindArgument(arg.name);
      if (!arg_def) {
        Add("Unknown argument \"" + arg.name + "\" on field \"" + parent.name + "." + f.name + "\".", arg.location);
        continue;
      }
      bool has_default = arg_def->default_value.has_value();
      auto visit = [&](const Value& var, const TypeRef& expected) {
        // A default only rescues the argument position itself, not nested ones.
        CheckVariableUse(var, expected, has_default && &expected == &arg_def->type);
      };
      if (auto why = CheckLiteral(schema_, arg.value, arg_def->type, visit)) Add(*why, arg.value.location);
    }
    for (const InputValueDef& arg_def : def.arguments) {
      if (arg_def.type.non_null() && !arg_def.default_value && !given.contains(arg_def.name)) {
        Add("Field \"" + f.name + "\" argument \"" + arg_def.name + "\" of type \"" + arg_def.type.ToString() +
                "\" is required, but it was not provided.",
            f.location);
      }
    }
  }

  const Schema& schema_;
  const Operation& op_;
  std::vector<Error>* errors_;
  std::set<std::string> used_;
};

}  // namespace

std::variant<const Operation*, std::vector<Error>> Validate(const Schema& schema, const Document& document,
                                                            const std::string& operation_name) {
  std::vector<Error> errors;
  std::map<std::string, int> names;
  for (const Operation& op : document.operations) {
    if (!op.name.empty() && ++names[op.name] == 2) {
      errors.push_back({"There can be only one operation named \"" + op.name + "\".", {op.location}, nullptr, kInvalid});
    }
    if (op.name.empty() && document.operations.size() > 1) {
      errors.push_back({"This anonymous operation must be the only defined operation.", {op.location}, nullptr, kInvalid});
    }
    OperationValidator(schema, op, &errors).Run();
  }
  if (!errors.empty()) return errors;

  constexpr const char* kResolution = "OPERATION_RESOLUTION_FAILURE";
  if (document.operations.empty()) return std::vector<Error>{{"Must provide an operation.", {}, nullptr, kResolution}};
  if (operation_name.empty()) {
    if (document.operations.size() > 1) {
      return std::vector<Error>{
          {"Must provide operation name if query contains multiple operations.", {}, nullptr, kResolution}};
    }
    return &document.operations.front();
  }
  auto it = std::ranges::find(document.operations, operation_name, &Operation::name);
  if (it == document.operations.end()) {
    return std::vector<Error>{{"Unknown operation named \"" + operation_name + "\".", {}, nullptr, kResolution}};
  }
  return &*it;
}

}  // namespace idsync::sim::gql
