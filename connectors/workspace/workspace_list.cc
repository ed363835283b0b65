#include "connectors/workspace/workspace_list.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cctype>
#include <iterator>
#include <tuple>
#include <utility>

#include "core/text.h"

namespace idsync::workspace_list {
namespace {

using nlohmann::json;

// Keeps the more telling of two entries for one email: an account over an invitation,
// a pending invitation over an expired one.
int Rank(const LiveUser& user) {
  switch (user.status) {
    case LiveStatus::kActive: return 3;
    case LiveStatus::kPending: return 2;
    case LiveStatus::kExpired: return 1;
    case LiveStatus::kRetired: return 0;
  }
  return 0;
}

// A listed user with the normalised email it is keyed by.
struct Listed {
  std::string email;
  LiveUser user;
};

void Add(const std::string& instance, LiveState& state, Listed listed) {
  if (listed.email.empty()) {
    spdlog::warn("workspace {}: listUsers returned an entry without an email; ignored", instance);
    return;
  }
  LiveUser& user = listed.user;
  const auto it = state.users.lower_bound(listed.email);
  if (it == state.users.end() || it->first != listed.email) {
    state.users.emplace_hint(it, std::move(listed.email), std::move(user));
    return;
  }
  spdlog::warn("workspace {}: {} is listed twice ({} and {}); keeping the {} entry", instance,
               listed.email, it->second.raw_status, user.raw_status,
               Rank(user) > Rank(it->second) ? user.raw_status : it->second.raw_status);
  if (Rank(user) > Rank(it->second)) it->second = std::move(user);
}

// NormalizeEmail(email), reusing `email`'s buffer when only its case changes.
std::string Normalized(std::string email) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  if (!email.empty() && (space(email.front()) || space(email.back()))) return NormalizeEmail(email);
  for (char& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return email;
}

// Fills `user` (as constructed) with the active `entry`; its email is the caller's.
void FillActive(LiveUser& user, Entry&& entry) {
  user.id = std::move(entry.uid);
  user.status = LiveStatus::kActive;
  user.raw_status = "active";
  user.grants.single = std::move(entry.account_type);
  user.name = std::move(entry.name);
}

// `email`: entry.email normalised.
Listed ActiveUser(std::string email, Entry&& entry) {
  Listed listed{std::move(email), LiveUser()};
  FillActive(listed.user, std::move(entry));
  return listed;
}

Listed InvitedUser(const std::string& instance, Entry entry) {
  Listed listed{Normalized(std::move(entry.email)), LiveUser()};
  LiveUser& user = listed.user;
  user.raw_status = std::move(entry.invite_status);
  user.grants.single = std::move(entry.account_type);
  if (user.raw_status == "EXPIRED") {
    user.status = LiveStatus::kExpired;
  } else {
    user.status = LiveStatus::kPending;
    if (user.raw_status != "ACTIVE" && user.raw_status != "SENT") {
      spdlog::warn("workspace {}: {}: unknown inviteStatus \"{}\" treated as pending", instance,
                   listed.email, user.raw_status);
    }
  }
  return listed;
}

}  // namespace

// Where the reader puts the entries it read: an active user straight into the state,
// unless it needs a warning (no email, or listed already), which waits with the
// invitations until the answer is accepted (Finish): then they are added as ToLiveState
// adds them, so the state and every warning, in order, are ToLiveState's. (Actives all
// rank alike: one that waits never displaces, nor is displaced by, one added at once.)
class Collector {
 public:
  explicit Collector(LiveState* state) : state_(state) {}

  void Active(Entry entry) {
    std::string email = Normalized(std::move(entry.email));
    if (!email.empty()) {
      auto& users = state_->users;
      // Listings sorted by email (the simulator's) are appended without a search.
      const auto it = users.empty() || users.rbegin()->first < email ? users.end() : users.lower_bound(email);
      if (it == users.end() || it->first != email) {
        auto added = users.emplace_hint(it, std::piecewise_construct, std::forward_as_tuple(std::move(email)),
                                        std::tuple<>());
        FillActive(added->second, std::move(entry));
        return;
      }
    }
    held_.push_back(ActiveUser(std::move(email), std::move(entry)));
  }
  void Invited(Entry entry) { invited_.push_back(std::move(entry)); }

  void Finish(const std::string& instance) {
    for (Listed& listed : held_) Add(instance, *state_, std::move(listed));
    for (Entry& entry : invited_) Add(instance, *state_, InvitedUser(instance, std::move(entry)));
  }

 private:
  LiveState* state_;
  std::vector<Listed> held_;
  std::vector<Entry> invited_;
};

namespace {

// Where the reader is. Each object or list it reads has one; everything else is skipped.
enum class At { kStart, kTop, kErrors, kData, kList, kActive, kInvited, kActiveEntry, kInvitedEntry, kDone };

// The entry member a key names; kOther members are skipped, kName is read when a string.
enum class Member { kOther, kUid, kEmail, kAccountType, kInviteStatus, kName };

// A SAX handler (nlohmann::json_sax) for ReadListUsersFast. Returning false stops the
// parse and declines the answer.
class ListUsersSax {
 public:
  explicit ListUsersSax(Collector* out) : out_(out) {}

  bool done() const { return at_ == At::kDone; }

  bool null() { return Scalar(Kind::kNull); }
  bool boolean(bool value) { return Scalar(value ? Kind::kTrue : Kind::kOther); }
  bool number_integer(json::number_integer_t) { return Scalar(Kind::kOther); }
  bool number_unsigned(json::number_unsigned_t) { return Scalar(Kind::kOther); }
  bool number_float(json::number_float_t, const json::string_t&) { return Scalar(Kind::kOther); }
  bool binary(json::binary_t&) { return false; }
  bool string(json::string_t& value) {
    if (skip_ > 0) return true;
    if (at_ != At::kActiveEntry && at_ != At::kInvitedEntry) return Scalar(Kind::kOther);
    // Copied, not moved: the copy is one allocation of the exact size, while a move
    // would leave the lexer to grow a new buffer for the next string.
    if (member_ == Member::kName) {
      entry_.name = value;
    } else if (std::string* field = Field()) {
      *field = value;
    }
    return true;
  }

  bool start_object(std::size_t) { return Open(/*object=*/true); }
  bool start_array(std::size_t) { return Open(/*object=*/false); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(json::string_t& key) {
    if (skip_ > 0) return true;
    if (at_ == At::kActiveEntry || at_ == At::kInvitedEntry) {
      member_ = EntryMember(key);
      return true;
    }
    key_ = std::move(key);
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    syntax_error_ = true;
    return false;
  }
  // The parse stopped at a syntax error, not at an answer of another shape.
  bool syntax_error() const { return syntax_error_; }

 private:
  Member EntryMember(const std::string& key) const {
    const bool active = at_ == At::kActiveEntry;
    if (key == "email") return Member::kEmail;
    if (key == "accountType") return Member::kAccountType;
    if (active && key == "uid") return Member::kUid;
    if (active && key == "name") return Member::kName;
    if (!active && key == "inviteStatus") return Member::kInviteStatus;
    return Member::kOther;
  }

  // The required member the current key names, or nullptr.
  std::string* Field() {
    switch (member_) {
      case Member::kUid: seen_ |= 1; return &entry_.uid;
      case Member::kEmail: seen_ |= 2; return &entry_.email;
      case Member::kAccountType: seen_ |= 4; return &entry_.account_type;
      case Member::kInviteStatus: seen_ |= 1; return &entry_.invite_status;
      default: return nullptr;
    }
  }

  // A value that is no object or list, outside entries also a string (kOther).
  enum class Kind { kNull, kTrue, kOther };
  bool Scalar(Kind kind) {
    if (skip_ > 0) return true;
    switch (at_) {
      case At::kTop: return key_ != "data";  // data must be an object
      case At::kData: return key_ != "listUsers";
      case At::kList:
        if (key_ == "ok") {
          ok_ = kind == Kind::kTrue;
          return ok_;  // ok: false (or not a boolean) is the DOM's to report
        }
        return key_ != "activeUsers" && key_ != "invitedUsers";
      case At::kActiveEntry:
      case At::kInvitedEntry:
        if (member_ == Member::kName) {
          entry_.name.reset();
        } else if (std::string* field = Field()) {
          if (kind != Kind::kNull) return false;  // the DOM reading's get<std::string> would throw
          field->clear();
        }
        return true;
      default: return false;  // a bare value, an error, or a list element that is no object
    }
  }

  bool Open(bool object) {
    if (skip_ > 0) return ++skip_ > 0;
    const At next = Child(object);
    if (next == At::kDone) return false;  // declined
    if (next == At::kStart) return ++skip_ > 0;  // skipped member
    stack_.push_back(at_);
    at_ = next;
    if (at_ == At::kActiveEntry || at_ == At::kInvitedEntry) {
      entry_ = Entry{};
      seen_ = 0;
      member_ = Member::kOther;
    }
    return true;
  }

  // What an object (or list) opened at this point is: a place to read, kStart for a
  // value to skip, kDone to decline.
  At Child(bool object) {
    switch (at_) {
      case At::kStart: return object ? At::kTop : At::kDone;
      case At::kTop:
        if (key_ == "data") return object && Once(1) ? At::kData : At::kDone;
        if (key_ == "errors") return object ? At::kStart : At::kErrors;
        return At::kStart;
      case At::kData:
        if (key_ == "listUsers") return object && Once(2) ? At::kList : At::kDone;
        return At::kStart;
      case At::kList:
        if (key_ == "ok") return At::kDone;
        if (key_ == "activeUsers") return !object && Once(4) ? At::kActive : At::kDone;
        if (key_ == "invitedUsers") return !object && Once(8) ? At::kInvited : At::kDone;
        return At::kStart;
      case At::kActive: return object ? At::kActiveEntry : At::kDone;
      case At::kInvited: return object ? At::kInvitedEntry : At::kDone;
      case At::kActiveEntry:
      case At::kInvitedEntry:
        if (member_ == Member::kName) entry_.name.reset();
        return member_ == Member::kOther || member_ == Member::kName ? At::kStart : At::kDone;
      default: return At::kDone;
    }
  }

  bool Close() {
    if (skip_ > 0) return --skip_ >= 0;
    const At closed = at_;
    at_ = stack_.empty() ? At::kDone : stack_.back();
    if (!stack_.empty()) stack_.pop_back();
    switch (closed) {
      case At::kTop:
        at_ = At::kDone;
        return (once_ & 1) != 0;
      case At::kData: return (once_ & 2) != 0;
      case At::kList: return ok_ && (once_ & 12) == 12;
      case At::kActiveEntry:
        if (seen_ != 7) return false;  // a required member missing
        out_->Active(std::move(entry_));
        return true;
      case At::kInvitedEntry:
        if (seen_ != 7) return false;
        out_->Invited(std::move(entry_));
        return true;
      default: return true;
    }
  }

  // True the first time `bit` is seen: a member named twice is the DOM's to judge.
  bool Once(int bit) {
    if (once_ & bit) return false;
    once_ |= bit;
    return true;
  }

  Collector* out_;
  At at_ = At::kStart;
  std::vector<At> stack_;
  int skip_ = 0;  // depth inside a skipped value
  std::string key_;  // the last key outside entries
  Member member_ = Member::kOther;
  Entry entry_;
  int seen_ = 0;       // required members of entry_ seen (bits)
  int once_ = 0;       // data, listUsers, activeUsers, invitedUsers seen (bits)
  bool ok_ = false;  // listUsers.ok: true seen
  bool syntax_error_ = false;
};

// The bytes of a BodySource one at a time, for nlohmann's iterator input; equal to the
// default-constructed end once the source ends. Keeps the body's head (ListUsersReader).
class SourceIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  SourceIterator() = default;
  SourceIterator(BodySource* source, std::string* head) : source_(source), head_(head) { Fill(); }

  reference operator*() const { return *at_; }
  SourceIterator& operator++() {
    if (++at_ == end_) Fill();
    return *this;
  }
  SourceIterator operator++(int) {
    SourceIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const SourceIterator& other) const { return at_ == other.at_; }

 private:
  void Fill() {
    const std::string_view chunk = source_->Next();
    at_ = chunk.empty() ? nullptr : chunk.data();
    end_ = chunk.empty() ? nullptr : chunk.data() + chunk.size();
    // BodySnippet quotes at most 200 characters that are not white space.
    for (std::size_t i = 0; i < chunk.size() && head_nonspace_ < 200; ++i) {
      head_->push_back(chunk[i]);
      if (!std::isspace(static_cast<unsigned char>(chunk[i]))) ++head_nonspace_;
    }
  }

  BodySource* source_ = nullptr;
  std::string* head_ = nullptr;
  std::size_t head_nonspace_ = 0;
  const char* at_ = nullptr;
  const char* end_ = nullptr;
};

}  // namespace

bool ReadListUsersFast(std::string_view body, const std::string& instance, LiveState* out) {
  Collector collector(out);
  ListUsersSax sax(&collector);
  const bool read = json::sax_parse(body, &sax, json::input_format_t::json, /*strict=*/true);
  if (!read || !sax.done()) return false;
  collector.Finish(instance);
  return true;
}

ListUsersReader::ListUsersReader(std::string instance) : instance_(std::move(instance)) {}
ListUsersReader::~ListUsersReader() = default;

bool ListUsersReader::Read(BodySource& body) {
  live_ = LiveState();
  head_.clear();
  collector_ = std::make_unique<Collector>(&live_);
  ListUsersSax sax(collector_.get());
  const bool read = json::sax_parse(SourceIterator(&body, &head_), SourceIterator(), &sax,
                                    json::input_format_t::json, /*strict=*/true);
  syntax_error_ = sax.syntax_error() && !body.Cut();
  if (read && sax.done()) return true;
  live_ = LiveState();  // declined: nothing half read stays
  collector_.reset();
  return false;
}

LiveState ListUsersReader::Finish() {
  if (collector_) collector_->Finish(instance_);
  collector_.reset();
  return std::move(live_);
}

LiveState ToLiveState(const std::string& instance, Entries entries) {
  LiveState state;
  for (Entry& entry : entries.active)
    Add(instance, state, ActiveUser(Normalized(std::move(entry.email)), std::move(entry)));
  std::vector<Entry>().swap(entries.active);  // 100,000 emptied entries: not kept till the end
  for (Entry& entry : entries.invited) Add(instance, state, InvitedUser(instance, std::move(entry)));
  return state;
}

}  // namespace idsync::workspace_list
