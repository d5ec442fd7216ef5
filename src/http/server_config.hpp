#pragma once
// The configuration keys of the HTTP server (server.*, http.*) and their reading
// into ServerOptions.
#include <optional>
#include <string>

#include "core/config_fwd.hpp"
#include "http/server.hpp"

namespace mindme::http {

void declare_config(core::ConfigSchema& schema);
ServerOptions server_options(const core::Config& config);
// http.static_dir, or nullopt when static hosting is off.
std::optional<std::string> static_dir(const core::Config& config);

struct ListenAddress {
    std::string host;
    std::uint16_t port;
};
// "127.0.0.1:8080", "[::1]:8080", "localhost:0". Returns nullopt if malformed.
std::optional<ListenAddress> parse_listen_address(const std::string& text);

}  // namespace mindme::http
