#include "http/framing.hpp"

#include <boost/beast/core/string.hpp>

#include "core/text.hpp"

namespace mindme::http::detail {

FramingError framing_error(const boost::beast::http::request_header<>& head) {
    auto error = [](core::ErrorCode code, std::string message) -> FramingError {
        return std::pair{code, std::move(message)};
    };
    // One pass over the fields, comparing their names as enum values: this runs for
    // every request.
    int hosts = 0, authorizations = 0, content_types = 0;
    bool transfer_encoded = false;
    std::size_t codings = 0;
    for (const auto& f : head) {
        switch (f.name()) {
            case boost::beast::http::field::host:
                ++hosts;
                break;
            case boost::beast::http::field::authorization:
                ++authorizations;
                break;
            case boost::beast::http::field::content_type:
                ++content_types;
                break;
            case boost::beast::http::field::transfer_encoding:
                transfer_encoded = true;
                for (auto coding : core::split_list(f.value(), ',')) {
                    if (coding.empty()) continue;
                    if (!boost::beast::iequals(coding, "chunked"))
                        return error(core::ErrorCode::kNotImplemented,
                                     "the transfer coding '" + std::string(coding) +
                                         "' is not supported; only chunked is");
                    ++codings;
                }
                break;
            default:
                break;
        }
    }
    if (transfer_encoded && head.version() < 11)
        return error(core::ErrorCode::kBadRequest, "HTTP/1.0 has no Transfer-Encoding");
    if (transfer_encoded && codings != 1)
        return error(core::ErrorCode::kBadRequest,
                     "chunked must be the final transfer coding, once");
    for (auto [count, name] : {std::pair{hosts, "Host"}, std::pair{authorizations, "Authorization"},
                               std::pair{content_types, "Content-Type"}})
        if (count > 1)
            return error(core::ErrorCode::kBadRequest,
                         std::string("more than one ") + name + " header");
    return std::nullopt;
}

}  // namespace mindme::http::detail
