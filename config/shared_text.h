// Compact building blocks for the manifest's values (SPEC §9: a 100,000-user manifest
// must stay small in memory).
//
// SharedString: an immutable string shared by reference count, 8 bytes; copies share
// one allocation. For text repeated across many values: the file name of every
// SourceMark, a role or group name in every membership. Reads as a const std::string&.
//
// Boxed<T>: std::optional<T> kept on the heap, 8 bytes whether set or not; a copy copies
// the value. For fields that are rarely set (expires:, given_name, ...).
//
// Thread-safety: values; copies of one SharedString may be made and destroyed in
// several threads at once (the count is atomic), as with std::shared_ptr.
#pragma once

#include <atomic>
#include <compare>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

namespace idsync {

class SharedString {
 public:
  SharedString() = default;  // ""
  SharedString(std::string text) : rep_(text.empty() ? nullptr : new Rep{{1}, std::move(text)}) {}
  SharedString(const char* text) : SharedString(std::string(text)) {}
  explicit SharedString(std::string_view text) : SharedString(std::string(text)) {}
  SharedString(const SharedString& other) : rep_(other.rep_) {
    if (rep_) rep_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  SharedString(SharedString&& other) noexcept : rep_(std::exchange(other.rep_, nullptr)) {}
  SharedString& operator=(SharedString other) noexcept {
    std::swap(rep_, other.rep_);
    return *this;
  }
  ~SharedString() {
    if (rep_ && rep_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete rep_;
  }

  const std::string& str() const { return rep_ ? rep_->text : Empty(); }
  operator const std::string&() const { return str(); }  // NOLINT: reads as a string
  const char* c_str() const { return str().c_str(); }
  std::size_t size() const { return str().size(); }
  bool empty() const { return str().empty(); }

  friend bool operator==(const SharedString& a, const SharedString& b) {
    return a.rep_ == b.rep_ || a.str() == b.str();
  }
  friend bool operator==(const SharedString& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const SharedString& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const SharedString& a, const char* b) { return a.str() == b; }
  friend std::strong_ordering operator<=>(const SharedString& a, const SharedString& b) {
    return a.str().compare(b.str()) <=> 0;
  }

 private:
  struct Rep {
    std::atomic<uint32_t> refs;
    std::string text;
  };
  static const std::string& Empty() {
    static const std::string empty;
    return empty;
  }
  Rep* rep_ = nullptr;
};

template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(std::nullopt_t) {}  // NOLINT: as std::optional
  Boxed(const std::optional<T>& value) : p_(value ? std::make_unique<T>(*value) : nullptr) {}  // NOLINT
  Boxed(std::optional<T>&& value)  // NOLINT
      : p_(value ? std::make_unique<T>(std::move(*value)) : nullptr) {}
  template <typename U>
    requires std::constructible_from<T, U&&> && (!std::same_as<std::remove_cvref_t<U>, Boxed>) &&
             (!std::same_as<std::remove_cvref_t<U>, std::optional<T>>) &&
             (!std::same_as<std::remove_cvref_t<U>, std::nullopt_t>)
  Boxed(U&& value) : p_(std::make_unique<T>(std::forward<U>(value))) {}  // NOLINT
  Boxed(const Boxed& other) : p_(other.p_ ? std::make_unique<T>(*other.p_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) {
    if (this != &other) p_ = other.p_ ? std::make_unique<T>(*other.p_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;

  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  const T& operator*() const { return *p_; }  // REQUIRES: has_value()
  T& operator*() { return *p_; }
  const T* operator->() const { return p_.get(); }
  T* operator->() { return p_.get(); }
  void reset() { p_.reset(); }
  // As a std::optional (a copy).
  std::optional<T> opt() const { return p_ ? std::optional<T>(*p_) : std::nullopt; }

  friend bool operator==(const Boxed& a, const Boxed& b) { return a ? (b && *a == *b) : !b; }
  friend bool operator==(const Boxed& a, std::nullopt_t) { return !a; }
  template <typename U>
    requires(!std::same_as<U, Boxed>) && (!std::same_as<U, std::nullopt_t>)
  friend bool operator==(const Boxed& a, const U& b) {
    return a && *a == b;
  }

 private:
  std::unique_ptr<T> p_;
};

// One SharedString per distinct text, so equal names share one allocation.
// Thread-safety: none; one pool per loader call.
class NamePool {
 public:
  SharedString Intern(std::string_view text) {
    auto it = names_.find(text);
    if (it != names_.end()) return it->second;
    SharedString name{text};
    names_.emplace(std::string_view(name.str()), name);  // the key views the shared text
    return name;
  }

 private:
  std::unordered_map<std::string_view, SharedString> names_;
};

}  // namespace idsync
