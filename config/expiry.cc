#include "config/expiry.h"

#include <cctype>

namespace idsync {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int64_t y, int64_t m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos` into `out`.
bool Digits(std::string_view s, std::size_t& pos, int n, int64_t& out) {
  if (pos + static_cast<std::size_t>(n) > s.size()) return false;
  out = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[pos++];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

bool Expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// "HH:MM:SS[.frac](Z|±HH:MM)" at `pos` to seconds since midnight minus the offset.
std::optional<int64_t> TimeOfDay(std::string_view s, std::size_t pos) {
  int64_t h = 0, mi = 0, sec = 0;
  if (!Digits(s, pos, 2, h) || !Expect(s, pos, ':') || !Digits(s, pos, 2, mi) ||
      !Expect(s, pos, ':') || !Digits(s, pos, 2, sec) || h > 23 || mi > 59 || sec > 60)
    return std::nullopt;
  int64_t out = h * 3600 + mi * 60 + sec;
  if (pos < s.size() && s[pos] == '.') {
    bool any = false, nonzero = false;
    for (++pos; pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])); ++pos)
      any = true, nonzero = nonzero || s[pos] != '0';
    if (!any) return std::nullopt;
    out += nonzero ? 1 : 0;  // rounded up: access never outlives its deadline
  }
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) return pos + 1 == s.size() ? std::optional(out) : std::nullopt;
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return std::nullopt;
  const int64_t sign = s[pos++] == '+' ? 1 : -1;
  int64_t oh = 0, om = 0;
  if (!Digits(s, pos, 2, oh) || !Expect(s, pos, ':') || !Digits(s, pos, 2, om) || oh > 23 ||
      om > 59 || pos != s.size())
    return std::nullopt;
  return out - sign * (oh * 3600 + om * 60);
}

}  // namespace

std::optional<int64_t> ParseExpiry(std::string_view text) {
  std::size_t pos = 0;
  int64_t y = 0, m = 0, d = 0;
  if (!Digits(text, pos, 4, y) || !Expect(text, pos, '-') || !Digits(text, pos, 2, m) ||
      !Expect(text, pos, '-') || !Digits(text, pos, 2, d) || m < 1 || m > 12 || d < 1 ||
      d > DaysInMonth(y, m))
    return std::nullopt;
  const int64_t midnight = DaysFromCivil(y, m, d) * 86400;
  if (pos == text.size()) return midnight + 86400;
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  auto time = TimeOfDay(text, pos + 1);
  if (!time) return std::nullopt;
  return midnight + *time;
}

std::optional<Expiry> ReadExpiry(YamlReader& r, NodeId node) {
  auto text = r.String(node);
  if (!text) return std::nullopt;
  auto at = ParseExpiry(*text);
  if (!at) {
    r.Error(node, "invalid expires \"" + *text +
                      "\"; expected a date (2027-01-31) or an RFC 3339 timestamp with a zone "
                      "(2027-01-31T18:00:00Z)");
    return std::nullopt;
  }
  return Expiry{*at, *text, r.Mark(node)};
}

std::vector<Membership> ReadMemberships(YamlReader& r, NodeId list, std::string_view key,
                                        bool allow_expiry, NamePool& names) {
  std::vector<Membership> out;
  if (r.tree().kind(list) != NodeKind::kSeq) {
    r.Seq(list);  // null: no items; anything else: reports the mismatch
    return out;
  }
  const YamlTree& tree = r.tree();
  std::size_t count = 0;
  for (NodeId item = list + 1; item < tree.end(list); item = tree.end(item)) ++count;
  out.reserve(count);
  for (NodeId item = list + 1; item < tree.end(list); item = tree.end(item)) {
    if (!allow_expiry || r.tree().kind(item) != NodeKind::kMap) {
      if (auto name = r.Text(item)) out.push_back({names.Intern(*name), std::nullopt, r.Mark(item)});
      continue;
    }
    auto map = r.Map(item);
    if (!map) continue;
    r.CheckKeys(*map, {key, "expires"});
    const auto* name = r.Require(*map, key);
    const auto* expires = r.Require(*map, "expires");
    auto text = name ? r.Text(name->value) : std::nullopt;
    auto expiry = expires ? ReadExpiry(r, expires->value) : std::nullopt;
    if (text && expiry) out.push_back({names.Intern(*text), std::move(expiry), r.Mark(name->value)});
  }
  return out;
}

std::vector<std::string> Names(const std::vector<Membership>& list) {
  std::vector<std::string> out;
  out.reserve(list.size());
  for (const auto& m : list) out.push_back(m.name);
  return out;
}

std::vector<Diagnostic> ExpiredWarnings(const Manifest& manifest, int64_t now) {
  std::vector<Diagnostic> out;
  auto warn = [&](const Expiry& e, const std::string& what) {
    if (e.at <= now)
      out.push_back({e.mark, "warning: " + what + " expired " + e.text + "; remove the entry"});
  };
  for (const User& user : manifest.users) {
    if (user.expires) warn(*user.expires, "user " + user.email_as_written);
    for (const auto& m : user.roles)
      if (m.expires) warn(*m.expires, "role " + m.name.str() + " of " + user.email_as_written);
    for (const auto& m : user.groups)
      if (m.expires) warn(*m.expires, "group " + m.name.str() + " of " + user.email_as_written);
  }
  return out;
}

}  // namespace idsync
