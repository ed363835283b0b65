// Reading stored grants (codec.h: DecodeGrants) and managed rows (AddManagedRow)
// without a JSON tree: a no-op reconcile reads every managed account of a platform.
//
// DecodeGrants accepts exactly what parsing the text into a nlohmann::json tree and
// taking "single" as a string, "scoped" as a map of strings and "set" as a set of
// strings accepted (the reader before this one), with the same error messages: a
// syntax error anywhere wins (nlohmann's own parser reports it), then "grants are not
// a JSON object", then the first part that is the wrong type, in the order single,
// scoped, set, with nlohmann's type_error text. Duplicate keys: the last one counts, as
// in the tree. tests/state/codec_test.cc compares the two readers.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "state/codec.h"

namespace idsync {
namespace {

using nlohmann::json;

// nlohmann's get<T>() message for a value of type `is` where `want` was expected.
std::string TypeError(const char* want, const char* is) {
  return std::string("[json.exception.type_error.302] type must be ") + want + ", but is " + is;
}

// A nlohmann::json_sax handler filling Grants. It never stops the parse early, so a
// syntax error after a wrong type still wins, as it did when a tree was parsed first.
class GrantsSax {
 public:
  bool null() { return Scalar("null", nullptr); }
  bool boolean(bool) { return Scalar("boolean", nullptr); }
  bool number_integer(json::number_integer_t) { return Scalar("number", nullptr); }
  bool number_unsigned(json::number_unsigned_t) { return Scalar("number", nullptr); }
  bool number_float(json::number_float_t, const std::string&) { return Scalar("number", nullptr); }
  bool binary(json::binary_t&) { return Scalar("binary", nullptr); }
  bool string(std::string& value) { return Scalar("string", &value); }
  bool start_object(std::size_t) { return Open("object"); }
  bool start_array(std::size_t) { return Open("array"); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(std::string& key);
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    syntax_error_ = e.what();
    return false;
  }

  // After the parse: the grants, or the error the tree reader gave.
  Status Finish(Grants& out);

 private:
  enum class Part { kOther, kSingle, kScoped, kSet };
  // A value starts: `type` is its nlohmann type name, `text` its text when a string.
  void Value(const char* type, std::string* text);
  bool Scalar(const char* type, std::string* text) {
    Value(type, text);
    return true;
  }
  bool Open(const char* type) {
    Value(type, nullptr);
    ++depth_;
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }

  int depth_ = 0;          // containers open around the next event
  bool top_object_ = false;
  Part part_ = Part::kOther;  // the member of the top object being read
  std::string scope_;         // the key of the scoped member being read
  bool scoped_open_ = false, set_open_ = false;  // the part is the container it must be
  std::optional<std::string> single_;
  std::map<std::string, std::string> scoped_;
  std::map<std::string, const char*> scoped_bad_;  // scope -> type of a value not a string
  std::set<std::string> set_;
  const char* single_bad_ = nullptr;  // its type when "single" is not a string
  std::string scoped_error_, set_error_;
  std::string syntax_error_;
};

bool GrantsSax::key(std::string& key) {
  if (depth_ == 2 && part_ == Part::kScoped && scoped_open_) {
    scope_ = std::move(key);
    return true;
  }
  if (depth_ != 1) return true;
  part_ = key == "single" ? Part::kSingle : key == "scoped" ? Part::kScoped : key == "set" ? Part::kSet : Part::kOther;
  // A repeated key replaces what the earlier one said (the tree keeps the last).
  if (part_ == Part::kSingle) {
    single_.reset();
    single_bad_ = nullptr;
  } else if (part_ == Part::kScoped) {
    scoped_.clear();
    scoped_bad_.clear();
    scoped_error_.clear();
    scoped_open_ = false;
  } else if (part_ == Part::kSet) {
    set_.clear();
    set_error_.clear();
    set_open_ = false;
  }
  return true;
}

void GrantsSax::Value(const char* type, std::string* text) {
  const bool is_string = text != nullptr;
  if (depth_ == 0) {
    top_object_ = std::string_view(type) == "object";
  } else if (depth_ == 1 && top_object_) {
    if (part_ == Part::kSingle) {
      if (is_string) single_ = std::move(*text);
      else single_bad_ = type;
    } else if (part_ == Part::kScoped) {
      scoped_open_ = std::string_view(type) == "object";
      if (!scoped_open_) scoped_error_ = TypeError("object", type);
    } else if (part_ == Part::kSet) {
      set_open_ = std::string_view(type) == "array";
      if (!set_open_) set_error_ = TypeError("array", type);
    }
  } else if (depth_ == 2 && part_ == Part::kScoped && scoped_open_) {
    if (is_string) {
      scoped_bad_.erase(scope_);
      scoped_[scope_] = std::move(*text);
    } else {
      scoped_.erase(scope_);
      scoped_bad_[scope_] = type;
    }
  } else if (depth_ == 2 && part_ == Part::kSet && set_open_) {
    if (is_string) set_.insert(std::move(*text));
    else if (set_error_.empty()) set_error_ = TypeError("string", type);  // the first, in order
  }
}

Status GrantsSax::Finish(Grants& out) {
  auto error = [](const std::string& what) { return InvalidArgument("stored grants: " + what); };
  if (!syntax_error_.empty()) return error(syntax_error_);
  if (!top_object_) return error("grants are not a JSON object");
  if (single_bad_) return error(TypeError("string", single_bad_));
  if (!scoped_bad_.empty()) scoped_error_ = TypeError("string", scoped_bad_.begin()->second);
  if (!scoped_error_.empty()) return error(scoped_error_);
  if (!set_error_.empty()) return error(set_error_);
  out.single = std::move(single_);
  out.scoped = std::move(scoped_);
  out.set = std::move(set_);
  return OkStatus();
}

// The shape nearly every stored grants has, {"single":"X"} with X plain printable
// ASCII (no escape, no control character), read without a parser.
bool PlainSingle(std::string_view text, Grants& out) {
  static constexpr std::string_view kHead = "{\"single\":\"", kTail = "\"}";
  if (text.size() < kHead.size() + kTail.size() || text.substr(0, kHead.size()) != kHead ||
      text.substr(text.size() - kTail.size()) != kTail) {
    return false;
  }
  const std::string_view value = text.substr(kHead.size(), text.size() - kHead.size() - kTail.size());
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7F || c == '"' || c == '\\') return false;
  }
  out.single.emplace(value);
  out.scoped.clear();
  out.set.clear();
  return true;
}

}  // namespace

Status DecodeGrantsInto(std::string_view text, Grants& grants) {
  if (text == "{}") {
    grants = Grants{};
    return OkStatus();
  }
  if (PlainSingle(text, grants)) return OkStatus();
  GrantsSax sax;
  try {
    json::sax_parse(text, &sax, json::input_format_t::json, /*strict=*/true);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("stored grants: ") + e.what());
  }
  return sax.Finish(grants);
}

StatusOr<Grants> DecodeGrants(std::string_view text) {
  Grants grants;
  if (Status s = DecodeGrantsInto(text, grants); !s.ok()) return s;
  return grants;
}

Status AddManagedRow(const ManagedColumns& row, ManagedAccounts& accounts) {
  // Rows come in email order: the end is where the next one goes (else a wrong hint
  // only costs a search).
  auto it = accounts.emplace_hint(accounts.end(), std::piecewise_construct, std::forward_as_tuple(row.email),
                                  std::forward_as_tuple());
  ManagedRecord& a = it->second;
  if (Status s = DecodeGrantsInto(row.grants, a.grants); !s.ok()) {
    accounts.erase(it);
    return s;
  }
  // Every ManagedRecord field a stored row sets, for both backends. Texts are built
  // at their size and moved in (assigning to an empty string reserves at least 30).
  a.user_id = std::string(row.user_id);
  a.retired = row.retired;
  a.first_managed = row.first_managed;
  a.last_seen = row.last_seen;
  a.last_asserted = row.last_asserted;
  return OkStatus();
}

}  // namespace idsync
