#include "guard/guard.hpp"

#include <algorithm>

#include "core/config.hpp"
#include "core/keyed_slots.hpp"
#include "guard/admission.hpp"
#include "guard/client_address.hpp"
#include "guard/rate_limiter.hpp"
#include "metrics/registry.hpp"

namespace mindme::guard {

using core::ErrorCode;

void declare_config(core::ConfigSchema& schema) {
    schema.add_int("guard.rate_limit.requests", 10'000, 0, 1'000'000'000,
                   "Requests one client address may make per window (the seed's WAF rule: "
                   "10,000 per 5 minutes). 0 turns the limit off.");
    schema.add_int("guard.rate_limit.window_seconds", 300, 1, 86'400,
                   "Length of the sliding rate-limit window in seconds.");
    schema.add_int("guard.rate_limit.ipv6_prefix", 64, 1, 128,
                   "IPv6 clients are limited per prefix of this length (one host usually "
                   "owns a whole /64).");
    schema.add_list("guard.trusted_proxies", {},
                    "Addresses or CIDR blocks of proxies whose X-Forwarded-For is believed "
                    "(e.g. the load balancer). Empty: X-Forwarded-For is ignored.",
                    [](const core::ConfigValue& v) -> std::optional<std::string> {
                        try {
                            CidrSet set(std::get<core::StringList>(v));
                        } catch (const std::invalid_argument& e) {
                            return e.what();
                        }
                        return std::nullopt;
                    });
    schema.add_int("server.max_in_flight", 10'000, 1, 10'000'000,
                   "Requests admitted at once per process; past it new requests get 503 "
                   "with Retry-After at once.");
    schema.add_int("guard.max_uploads_per_address", 8, 1, 1'000'000,
                   "Uploads one client address (an IPv6 /64 by default) may have in progress "
                   "at once; past it 429 with Retry-After, so slow uploads from one address "
                   "cannot hold most of server.max_in_flight.");
    schema.add_int("guard.overload_retry_after_seconds", 1, 1, 3600,
                   "Retry-After sent with an overload 503.");
}

GuardOptions GuardOptions::from(const core::Config& c) {
    GuardOptions o;
    o.rate_limit_requests = static_cast<std::uint64_t>(c.get_int("guard.rate_limit.requests"));
    o.rate_limit_window = std::chrono::seconds(c.get_int("guard.rate_limit.window_seconds"));
    o.ipv6_prefix = static_cast<int>(c.get_int("guard.rate_limit.ipv6_prefix"));
    o.trusted_proxies = c.get_list("guard.trusted_proxies");
    o.max_in_flight = c.get_int("server.max_in_flight");
    o.max_uploads_per_address =
        static_cast<std::size_t>(c.get_int("guard.max_uploads_per_address"));
    o.overload_retry_after_seconds =
        static_cast<int>(c.get_int("guard.overload_retry_after_seconds"));
    return o;
}

struct Guard::Impl {
    Impl(GuardOptions o, metrics::Registry& registry)
        : options(std::move(o)),
          trusted(options.trusted_proxies),
          limiter({options.rate_limit_requests, options.rate_limit_window}),
          admission(options.max_in_flight),
          uploads(options.max_uploads_per_address),
          rate_limited(registry.counter("rate_limited_total",
                                        "Requests refused by the per-client rate limit.")),
          overloaded(registry.counter("admission_rejected_total",
                                      "Requests refused because too many were in flight.")) {
        registry.add_collector([this](std::string& out) {
            metrics::write_header(out, "admission_in_flight", "Requests holding an admission slot.",
                                  metrics::MetricType::kGauge);
            metrics::write_sample(out, "admission_in_flight",
                                  static_cast<double>(admission.in_flight()));
            metrics::write_header(out, "rate_limiter_memory_bytes",
                                  "Memory held by the rate limiter (fixed).",
                                  metrics::MetricType::kGauge);
            metrics::write_sample(out, "rate_limiter_memory_bytes",
                                  static_cast<double>(limiter.memory_bytes()));
        });
    }

    // The limiter's key: the address bytes (IPv6 masked to its prefix), or the text
    // itself if it does not parse. `storage` keeps the bytes alive.
    std::string_view limit_key(const std::string& client, IpAddress& storage) const {
        auto address = IpAddress::parse(client);
        if (!address) return client;
        storage = address->is_v4() ? *address : address->masked(options.ipv6_prefix);
        return {reinterpret_cast<const char*>(storage.bytes.data()), storage.bytes.size()};
    }

    GuardOptions options;
    CidrSet trusted;
    RateLimiter limiter;
    AdmissionGate admission;
    core::KeyedSlots uploads;  // per limit key
    metrics::Counter& rate_limited;
    metrics::Counter& overloaded;
};

Guard::Guard(GuardOptions options, metrics::Registry& registry)
    : impl_(std::make_unique<Impl>(std::move(options), registry)) {}

Guard::~Guard() = default;

std::optional<http::Response> Guard::admit(http::Request& req, Pass& pass) {
    if (impl_->trusted.empty()) {
        req.client_address = req.remote_address;
    } else {
        std::vector<std::string_view> forwarded;
        for (const auto& [k, v] : req.headers)
            if (http::iequals(k, "X-Forwarded-For")) forwarded.push_back(v);
        req.client_address = resolve_client_address(req.remote_address, forwarded, impl_->trusted);
    }
    const auto& exempt = impl_->options.exempt_paths;
    if (std::find(exempt.begin(), exempt.end(), req.path) != exempt.end()) return std::nullopt;

    IpAddress key_storage;
    auto key = impl_->limit_key(req.client_address, key_storage);
    if (impl_->limiter.enabled()) {
        auto limit = impl_->limiter.hit(key, std::chrono::steady_clock::now());
        if (!limit.allowed) {
            impl_->rate_limited.inc();
            auto r = http::Response::error(ErrorCode::kRateLimited,
                                           "too many requests from this address; retry after " +
                                               std::to_string(limit.retry_after_seconds) + " s");
            r.set_header("Retry-After", std::to_string(limit.retry_after_seconds));
            r.set_header("RateLimit-Limit", std::to_string(limit.limit));
            r.set_header("RateLimit-Remaining", "0");
            r.set_header("RateLimit-Reset", std::to_string(limit.reset_seconds));
            return r;
        }
        pass.limit = limit.limit;
        pass.remaining = limit.remaining;
        pass.reset_seconds = limit.reset_seconds;
    }

    if (req.body_stream) {
        pass.upload = impl_->uploads.try_take(key);
        if (!pass.upload) {
            impl_->rate_limited.inc();
            auto r = http::Response::error(
                ErrorCode::kRateLimited,
                "too many uploads in progress from this address; retry when one has finished");
            r.set_header("Retry-After",
                         std::to_string(impl_->options.overload_retry_after_seconds));
            return r;
        }
    }
    auto slot = impl_->admission.try_enter();
    if (!slot) {
        impl_->overloaded.inc();
        auto r = http::Response::error(ErrorCode::kUnavailable,
                                       "the server is at capacity; retry shortly");
        r.set_header("Retry-After", std::to_string(impl_->options.overload_retry_after_seconds));
        return r;
    }
    pass.slot = http::SendHold(slot.release(),
                               [](void* gate) { static_cast<AdmissionGate*>(gate)->leave(); });
    return std::nullopt;
}

void Guard::finish(http::Response& response, Pass&& pass) {
    if (pass.upload) {
        // Both given back once the answer is written.
        struct Both {
            http::SendHold slot, upload;
        };
        response.hold_until_sent =
            http::SendHold(new Both{std::move(pass.slot), std::move(pass.upload)},
                           [](void* both) { delete static_cast<Both*>(both); });
    } else {
        response.hold_until_sent = std::move(pass.slot);
    }
    if (pass.limit == 0) return;
    response.set_header("RateLimit-Limit", std::to_string(pass.limit));
    response.set_header("RateLimit-Remaining", std::to_string(pass.remaining));
    response.set_header("RateLimit-Reset", std::to_string(pass.reset_seconds));
}

}  // namespace mindme::guard
