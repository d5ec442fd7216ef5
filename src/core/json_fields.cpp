#include "core/json_fields.hpp"

#include <boost/json/value.hpp>

namespace mindme::core {

std::optional<std::int64_t> json_int(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
    if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
    return std::nullopt;
}

}  // namespace mindme::core
