// Reading a listUsers answer (workspace.md) into its entries, and the entries into a
// LiveState. Internal to the workspace connector.
//
// ReadListUsersFast reads the whole HTTP body with nlohmann's SAX interface, straight
// into the live state: no DOM of a listing that may hold 100,000 users, and no list of
// entries beside the state either. It accepts only an
// answer the DOM reading (workspace_connector.cc) would accept with the same result —
// a JSON object whose data.listUsers has ok: true and activeUsers / invitedUsers lists
// of objects whose required members are strings or null, and no GraphQL error — and
// declines anything else (returns false), so that every failure keeps the DOM
// reading's message. Members it does not read are skipped, whatever they hold.
//
// ListUsersReader does the same reading over the body as it arrives (HttpRequest::
// reader), so that the listing is never held whole: only the live state grows.
//
// Thread-safety: pure functions; a ListUsersReader is used by one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/http/http_client.h"
#include "core/users.h"

namespace idsync::workspace_list {

// One activeUsers or invitedUsers entry as listed; null members read as "".
struct Entry {
  std::string uid, email, account_type, invite_status;  // uid: active; invite_status: invited
  std::optional<std::string> name;                      // active, when a string
};

struct Entries {
  std::vector<Entry> active, invited;
};

// True, with `out` filled as ToLiveState(instance, entries) would fill it from the
// entries the DOM reading finds (the same users, the same warnings in the same order),
// when `body` is a listing the DOM reading would accept; false when it declines (`out`
// is then unspecified and nothing was logged). REQUIRES: `out` is empty.
bool ReadListUsersFast(std::string_view body, const std::string& instance, LiveState* out);

class Collector;  // workspace_list.cc: where the reading puts the users

// ReadListUsersFast as a BodyReader. Each Read starts from nothing (a retried transfer
// leaves no user of the failed one behind).
class ListUsersReader : public BodyReader {
 public:
  explicit ListUsersReader(std::string instance);
  ~ListUsersReader() override;

  // True when the body is a listing ReadListUsersFast would accept.
  bool Read(BodySource& body) override;
  // After Read returned true: the live state, ReadListUsersFast's warnings logged now.
  LiveState Finish();
  // After Read returned false: true when it declined because the body is no JSON
  // text (the DOM reading then says "answer is not a JSON object" quoting head()).
  bool syntax_error() const { return syntax_error_; }
  // The body's first bytes, at least as many as BodySnippet quotes (or all of it).
  const std::string& head() const { return head_; }

 private:
  const std::string instance_;
  LiveState live_;
  std::unique_ptr<Collector> collector_;
  bool syntax_error_ = false;
  std::string head_;
};

// The live state of `entries`: active users (kActive, id = uid, raw "active") first,
// then invitations (EXPIRED kExpired, anything else kPending; a word other than ACTIVE
// or SENT is warned about). Entries without an email are ignored with a warning; an
// email listed twice keeps the more telling entry (active over pending over expired),
// with a warning. `instance` names the platform in warnings.
LiveState ToLiveState(const std::string& instance, Entries entries);

}  // namespace idsync::workspace_list
