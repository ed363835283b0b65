// Value types that take 8 bytes where a field is usually unset or empty (issue 17: the
// per-user maps of a 1,000,000-user reconcile). Both hold their value on the heap,
// allocated only when there is something to hold; copies are deep, == compares values.
//
//   BoxedOptional<T>   an optional T: the subset of std::optional's API the code uses
//                      (bool test, *, ->, value_or, reset, = value / nullopt / optional).
//   BoxedContainer<C>  a std::set / map / vector / string that is empty until first
//                      written: reads of an empty one see a shared empty C; writes
//                      (insert, emplace, push_back, operator[], mut()) allocate it.
//   BoxedString        BoxedContainer<std::string>: "" takes 8 bytes and no allocation.
// (config/shared_text.h has the manifest's own Boxed<T>, with opt() instead of the
// conversion to std::optional.)
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace idsync {

template <class T>
class BoxedOptional {
 public:
  BoxedOptional() = default;
  BoxedOptional(std::nullopt_t) {}  // NOLINT: implicit, as std::optional's
  template <class U = T>
    requires(!std::is_same_v<std::remove_cvref_t<U>, BoxedOptional> &&
             !std::is_same_v<std::remove_cvref_t<U>, std::optional<T>> &&
             !std::is_same_v<std::remove_cvref_t<U>, std::nullopt_t> &&
             std::is_constructible_v<T, U &&>)
  BoxedOptional(U&& value)  // NOLINT: implicit
      : p_(std::make_unique<T>(std::forward<U>(value))) {}
  BoxedOptional(const std::optional<T>& value) {  // NOLINT: implicit
    if (value) p_ = std::make_unique<T>(*value);
  }
  BoxedOptional(std::optional<T>&& value) {  // NOLINT: implicit
    if (value) p_ = std::make_unique<T>(std::move(*value));
  }
  BoxedOptional(const BoxedOptional& other)
      : p_(other.p_ ? std::make_unique<T>(*other.p_) : nullptr) {}
  BoxedOptional(BoxedOptional&&) noexcept = default;
  BoxedOptional& operator=(const BoxedOptional& other) {
    if (this != &other) p_ = other.p_ ? std::make_unique<T>(*other.p_) : nullptr;
    return *this;
  }
  BoxedOptional& operator=(BoxedOptional&&) noexcept = default;
  ~BoxedOptional() = default;

  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return p_ != nullptr; }
  // Like std::optional's: only on one that holds a value.
  const T& operator*() const { return *p_; }
  T& operator*() { return *p_; }
  const T* operator->() const { return p_.get(); }
  T* operator->() { return p_.get(); }
  template <class U>
  T value_or(U&& fallback) const {
    return p_ ? *p_ : static_cast<T>(std::forward<U>(fallback));
  }
  void reset() { p_.reset(); }
  template <class... Args>
  T& emplace(Args&&... args) {
    p_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *p_;
  }
  // A copy as std::optional, for interfaces that take one.
  operator std::optional<T>() const {  // NOLINT: implicit
    return p_ ? std::optional<T>(*p_) : std::nullopt;
  }

  friend bool operator==(const BoxedOptional& a, const BoxedOptional& b) {
    return a.p_ && b.p_ ? *a.p_ == *b.p_ : a.p_ == b.p_;
  }
  friend bool operator==(const BoxedOptional& a, const std::optional<T>& b) {
    return a.p_ && b ? *a.p_ == *b : !a.p_ && !b;
  }

 private:
  std::unique_ptr<T> p_;
};

template <class C>
class BoxedContainer {
 public:
  using value_type = typename C::value_type;
  using size_type = typename C::size_type;
  using const_iterator = typename C::const_iterator;

  BoxedContainer() = default;
  BoxedContainer(const C& c) : p_(c.empty() ? nullptr : std::make_unique<C>(c)) {}  // NOLINT
  BoxedContainer(C&& c) : p_(c.empty() ? nullptr : std::make_unique<C>(std::move(c))) {}  // NOLINT
  BoxedContainer(const char* text)  // NOLINT: implicit, BoxedString = "..."
    requires std::is_same_v<C, std::string>
      : BoxedContainer(C(text)) {}
  BoxedContainer(std::initializer_list<value_type> items)  // NOLINT: implicit, as C's
      : p_(items.size() == 0 ? nullptr : std::make_unique<C>(items)) {}
  BoxedContainer(const BoxedContainer& other) : BoxedContainer(other.get()) {}
  BoxedContainer(BoxedContainer&&) noexcept = default;
  BoxedContainer& operator=(const BoxedContainer& other) {
    if (this != &other) p_ = other.empty() ? nullptr : std::make_unique<C>(*other.p_);
    return *this;
  }
  BoxedContainer& operator=(BoxedContainer&&) noexcept = default;
  ~BoxedContainer() = default;

  // Reads: an unallocated container reads as an empty C.
  const C& get() const { return p_ ? *p_ : Empty(); }
  operator const C&() const { return get(); }  // NOLINT: implicit, for const C& parameters
  bool empty() const { return !p_ || p_->empty(); }
  size_type size() const { return p_ ? p_->size() : 0; }
  const_iterator begin() const { return get().begin(); }
  const_iterator end() const { return get().end(); }
  template <class K>
  size_type count(const K& key) const { return p_ ? p_->count(key) : 0; }
  template <class K>
  bool contains(const K& key) const { return p_ && p_->contains(key); }
  template <class K>
  const_iterator find(const K& key) const { return get().find(key); }
  template <class I>
  decltype(auto) operator[](const I& i) const { return get()[i]; }  // vector only
  auto data() const { return get().data(); }                         // vector, string

  // Writes: allocate on first use.
  C& mut() {
    if (!p_) p_ = std::make_unique<C>();
    return *p_;
  }
  template <class... Args>
  decltype(auto) insert(Args&&... args) { return mut().insert(std::forward<Args>(args)...); }
  template <class It>
  void insert(It first, It last) {  // an empty range allocates nothing
    if (first != last) mut().insert(first, last);
  }
  template <class... Args>
  decltype(auto) emplace(Args&&... args) { return mut().emplace(std::forward<Args>(args)...); }
  template <class V>
  void push_back(V&& value) { mut().push_back(std::forward<V>(value)); }  // vector only
  template <class K>
  decltype(auto) operator[](K&& key) { return mut()[std::forward<K>(key)]; }
  template <class K>
  size_type erase(const K& key) { return p_ ? p_->erase(key) : 0; }  // set and map, by key
  void erase(const_iterator first, const_iterator last) {  // REQUIRES: a range of this one
    if (first != last) mut().erase(first, last);
  }
  void clear() { p_.reset(); }

  friend bool operator==(const BoxedContainer& a, const BoxedContainer& b) {
    return a.get() == b.get();
  }
  friend bool operator==(const BoxedContainer& a, const C& b) { return a.get() == b; }

 private:
  static const C& Empty() {
    static const C empty;
    return empty;
  }
  std::unique_ptr<C> p_;
};

using BoxedString = BoxedContainer<std::string>;

}  // namespace idsync
