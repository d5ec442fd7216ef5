#include "core/config.hpp"
#include "upstream/http_client.hpp"

namespace mindme::upstream {

void declare_config(core::ConfigSchema& schema) {
    schema.add_string("http_client.ca_file", "",
                      "A PEM file of certificate authorities trusted for outbound HTTPS besides "
                      "the system's (a private CA, a test stand-in's).");
    schema.add_int("http_client.connect_timeout_ms", 5000, 1, 600'000,
                   "Outbound calls: resolving, connecting and the TLS handshake must end within "
                   "this.");
    schema.add_int("http_client.first_byte_timeout_ms", 30'000, 1, 3'600'000,
                   "Outbound calls: the response must begin within this of the request being "
                   "sent.");
    schema.add_int("http_client.total_timeout_ms", 60'000, 1, 3'600'000,
                   "Outbound calls: one attempt, start to last byte (the caller's deadline, "
                   "when shorter, wins).");
    schema.add_int("http_client.max_per_origin", 64, 1, 100'000,
                   "Outbound exchanges in progress at once to one origin (scheme, host, port); "
                   "more wait for a free one until their deadline.");
    schema.add_int("http_client.idle_seconds", 30, 1, 3600,
                   "A kept-alive outbound connection idle longer than this is not reused.");
    schema.add_int("http_client.max_attempts", 3, 1, 20,
                   "Attempts of an outbound call that fails retryably (connection failures, "
                   "429 and 5xx), the first included.");
    schema.add_int("http_client.backoff_base_ms", 500, 1, 600'000,
                   "Outbound retries wait a random time up to base·2^(attempt−1) (full "
                   "jitter), or the server's Retry-After when longer.");
    schema.add_int("http_client.backoff_cap_ms", 30'000, 1, 3'600'000,
                   "The longest wait between outbound attempts; a Retry-After longer than this "
                   "ends the retries.");
    schema.add_int("http_client.max_response_bytes", 16 * 1024 * 1024, 1024, 1LL << 32,
                   "The largest outbound response body accepted.");
}

ClientOptions client_options(const core::Config& c) {
    ClientOptions o;
    o.ca_file = c.get_string("http_client.ca_file");
    o.connect_timeout = std::chrono::milliseconds(c.get_int("http_client.connect_timeout_ms"));
    o.first_byte_timeout =
        std::chrono::milliseconds(c.get_int("http_client.first_byte_timeout_ms"));
    o.total_timeout = std::chrono::milliseconds(c.get_int("http_client.total_timeout_ms"));
    o.max_per_origin = static_cast<std::size_t>(c.get_int("http_client.max_per_origin"));
    o.idle_timeout = std::chrono::seconds(c.get_int("http_client.idle_seconds"));
    o.max_attempts = static_cast<int>(c.get_int("http_client.max_attempts"));
    o.backoff_base = std::chrono::milliseconds(c.get_int("http_client.backoff_base_ms"));
    o.backoff_cap = std::chrono::milliseconds(c.get_int("http_client.backoff_cap_ms"));
    o.max_response_bytes = static_cast<std::size_t>(c.get_int("http_client.max_response_bytes"));
    return o;
}

}  // namespace mindme::upstream
