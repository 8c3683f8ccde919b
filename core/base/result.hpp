#pragma once
// Result<T>: a value or an error message. Used wherever input from outside (files, network,
// user data) can be wrong; invariants of our own code use assertions instead.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace citymap {

// Why something failed, where a caller acts on the reason (most only show the message).
enum class ErrorCode : uint8_t {
  Failed,   // anything else
  Changed,  // the resource changed under a multi-request read (its version differs): start over
};

struct Error {
  std::string message;
  ErrorCode code = ErrorCode::Failed;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const std::string& error() const { return std::get<1>(v_).message; }
  ErrorCode errorCode() const { return std::get<1>(v_).code; }

 private:
  std::variant<T, Error> v_;
};

}  // namespace citymap
