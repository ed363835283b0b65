#include "daemon/apply/snapshot.h"

#include <openssl/evp.h>

#include <memory>

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

}  // namespace

std::string SnapshotListingJson(const LiveState& live) {
  std::string out;
  // Room for the usual user (about 180 bytes) without a copy as the text grows; pages
  // reserved and never written are never resident.
  out.reserve(64 + live.users.size() * 256);
  WriteListing(live, out, [](std::string&) {});
  return out;
}

std::string SnapshotDigest(const LiveState& live) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::string piece;
  piece.reserve(2 * kPiece);
  WriteListing(live, piece, [&](std::string& text) {
    EVP_DigestUpdate(ctx.get(), text.data(), text.size());
    text.clear();
  });
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex = "sha256:";
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 0xF];
  }
  return hex;
}

}  // namespace idsync
