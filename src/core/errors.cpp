#include "core/errors.hpp"

#include "core/json.hpp"

namespace mindme::core {

int http_status(ErrorCode code) {
    switch (code) {
        case ErrorCode::kBadRequest:
            return 400;
        case ErrorCode::kUnauthorized:
            return 401;
        case ErrorCode::kForbidden:
            return 403;
        case ErrorCode::kNotFound:
            return 404;
        case ErrorCode::kMethodNotAllowed:
            return 405;
        case ErrorCode::kRequestTimeout:
            return 408;
        case ErrorCode::kConflict:
            return 409;
        case ErrorCode::kGone:
            return 410;
        case ErrorCode::kPreconditionFailed:
            return 412;
        case ErrorCode::kPayloadTooLarge:
            return 413;
        case ErrorCode::kUnsupportedMediaType:
            return 415;
        case ErrorCode::kRangeNotSatisfiable:
            return 416;
        case ErrorCode::kUnprocessable:
            return 422;
        case ErrorCode::kRateLimited:
            return 429;
        case ErrorCode::kHeaderTooLarge:
            return 431;
        case ErrorCode::kInternal:
            return 500;
        case ErrorCode::kNotImplemented:
            return 501;
        case ErrorCode::kUnavailable:
            return 503;
        case ErrorCode::kInsufficientStorage:
            return 507;
    }
    return 500;
}

std::string_view code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::kBadRequest:
            return "bad_request";
        case ErrorCode::kUnauthorized:
            return "unauthorized";
        case ErrorCode::kForbidden:
            return "forbidden";
        case ErrorCode::kNotFound:
            return "not_found";
        case ErrorCode::kMethodNotAllowed:
            return "method_not_allowed";
        case ErrorCode::kRequestTimeout:
            return "request_timeout";
        case ErrorCode::kConflict:
            return "conflict";
        case ErrorCode::kGone:
            return "gone";
        case ErrorCode::kPreconditionFailed:
            return "precondition_failed";
        case ErrorCode::kPayloadTooLarge:
            return "payload_too_large";
        case ErrorCode::kUnsupportedMediaType:
            return "unsupported_media_type";
        case ErrorCode::kRangeNotSatisfiable:
            return "range_not_satisfiable";
        case ErrorCode::kUnprocessable:
            return "unprocessable";
        case ErrorCode::kRateLimited:
            return "rate_limited";
        case ErrorCode::kHeaderTooLarge:
            return "header_too_large";
        case ErrorCode::kInternal:
            return "internal";
        case ErrorCode::kNotImplemented:
            return "not_implemented";
        case ErrorCode::kUnavailable:
            return "unavailable";
        case ErrorCode::kInsufficientStorage:
            return "insufficient_storage";
    }
    return "internal";
}

std::string error_body(ErrorCode code, std::string_view message) {
    std::string out = R"({"error":{"code":")";
    out += code_name(code);
    out += R"(","message":)";
    append_json_string(out, message);
    out += "}}";
    return out;
}

}  // namespace mindme::core
