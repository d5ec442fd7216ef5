#pragma once
// One error type for everything that reaches a client: an ErrorCode (which fixes
// the HTTP status and the snake_case code of API.md's error shape) and a message.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mindme::core {

enum class ErrorCode {
    kBadRequest,
    kUnauthorized,
    kForbidden,
    kNotFound,
    kMethodNotAllowed,
    kRequestTimeout,
    kConflict,
    kGone,
    kPreconditionFailed,
    kPayloadTooLarge,
    kUnsupportedMediaType,
    kRangeNotSatisfiable,
    kUnprocessable,
    kRateLimited,
    kHeaderTooLarge,
    kInternal,
    kNotImplemented,
    kUnavailable,
    kInsufficientStorage,
};

int http_status(ErrorCode code);
std::string_view code_name(ErrorCode code);

// {"error":{"code":"...","message":"..."}}
std::string error_body(ErrorCode code, std::string_view message);

class ApiError : public std::runtime_error {
public:
    ApiError(ErrorCode code, const std::string& message,
             std::optional<int> retry_after_seconds = std::nullopt)
        : std::runtime_error(message), code_(code), retry_after_(retry_after_seconds) {}
    ErrorCode code() const { return code_; }
    std::optional<int> retry_after() const { return retry_after_; }

private:
    ErrorCode code_;
    std::optional<int> retry_after_;
};

}  // namespace mindme::core
