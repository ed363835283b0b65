#include "daemon/apply/snapshot.h"

#include <nlohmann/json.hpp>

#include "config/loader.h"
#include "reconcile/grants_json.h"

namespace idsync {
namespace {

constexpr std::size_t kPiece = 64 * 1024;

// Writes the listing part into `out`, calling `flush(out)` whenever it holds a piece
// or more and once at the end; `flush` may consume (and clear) what `out` holds.
template <typename Flush>
void WriteListing(const LiveState& live, std::string& out, Flush&& flush) {
  out += live.complete ? "{\"complete\":true,\"users\":[" : "{\"complete\":false,\"users\":[";
  bool first = true;
  for (const auto& [email, u] : live.users) {
    if (!first) out += ',';
    first = false;
    out += "{\"email\":";
    AppendJsonString(out, email);
    out += ",\"id\":";
    AppendJsonString(out, u.id);
    out += ",\"status\":";
    AppendJsonString(out, LiveStatusName(u.status));
    out += ",\"raw_status\":";
    AppendJsonString(out, u.raw_status);
    out += ",\"grants\":";
    AppendGrantsJson(out, u.grants);
    out += '}';
    if (out.size() >= kPiece) flush(out);
  }
  out += "]}";
  flush(out);
}

// A nlohmann::json_sax handler for CompleteListingEmails: the top object's "complete"
// and the "email" strings of the objects in its "users" array.
class EmailsSax {
 public:
  using json = nlohmann::json;
  bool null() { return Value(nullptr, false); }
  bool boolean(bool value) { return Value(nullptr, value); }
  bool number_integer(json::number_integer_t) { return Value(nullptr, false); }
  bool number_unsigned(json::number_unsigned_t) { return Value(nullptr, false); }
  bool number_float(json::number_float_t, const std::string&) { return Value(nullptr, false); }
  bool binary(json::binary_t&) { return Value(nullptr, false); }
  bool string(std::string& text) { return Value(&text, false); }
  bool start_object(std::size_t) { return Open(true); }
  bool start_array(std::size_t) { return Open(false); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(std::string& key) {
    if (depth_ == 1) top_key_ = std::move(key);
    if (depth_ == 3) email_next_ = key == "email";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

  std::optional<std::set<std::string>> Result() {
    if (!object_ || !complete_ || !has_users_) return std::nullopt;
    return std::move(emails_);
  }

 private:
  bool Value(std::string* text, bool true_value) {
    if (depth_ == 1 && top_key_ == "complete") complete_ = true_value;
    if (depth_ == 1 && top_key_ == "users") has_users_ = true;
    if (depth_ == 3 && users_array_ && user_object_ && email_next_ && text) emails_.insert(std::move(*text));
    email_next_ = false;
    return true;
  }
  bool Open(bool object) {
    if (depth_ == 0) object_ = object;
    if (depth_ == 1 && top_key_ == "users") {
      has_users_ = true;
      users_array_ = !object;
    }
    if (depth_ == 2) user_object_ = object;
    email_next_ = false;
    ++depth_;
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }

  int depth_ = 0;
  bool object_ = false, complete_ = false, has_users_ = false, users_array_ = false, user_object_ = false;
  bool email_next_ = false;
  std::string top_key_;
  std::set<std::string> emails_;
};

}  // namespace

std::optional<std::set<std::string>> CompleteListingEmails(const std::string& snapshot) {
  EmailsSax sax;
  if (!nlohmann::json::sax_parse(snapshot, &sax, nlohmann::json::input_format_t::json, /*strict=*/true)) {
    return std::nullopt;
  }
  return sax.Result();
}

std::string SnapshotListingJson(const LiveState& live) {
  std::string out;
  // Room for the usual user (about 180 bytes) without a copy as the text grows; pages
  // reserved and never written are never resident.
  out.reserve(64 + live.users.size() * 256);
  WriteListing(live, out, [](std::string&) {});
  return out;
}

std::string SnapshotDigest(const LiveState& live) {
  Sha256 digest;
  std::string piece;
  piece.reserve(2 * kPiece);
  WriteListing(live, piece, [&](std::string& text) {
    digest.Update(text);
    text.clear();
  });
  return "sha256:" + digest.Hex();
}

}  // namespace idsync
