#include <stdexcept>

#include "cache/cache.hpp"
#include "cache/redis_cache.hpp"
#include "core/config.hpp"
#include "metrics/registry.hpp"

namespace mindme::cache {

void declare_config(core::ConfigSchema& schema) {
    schema.add_string("cache.url", "memory://",
                      "The cache: memory:// (in-process LRU with TTL, one per process), "
                      "redis://host:port (one Redis server) or redis://host:port,host:port,... "
                      "(any nodes of a Redis Cluster; the rest are found from them). Redis "
                      "is shared by every process; when it fails, requests go on without "
                      "the cache.",
                      [](const core::ConfigValue& v) -> std::optional<std::string> {
                          const auto& url = std::get<std::string>(v);
                          if (url == "memory://" || parse_redis_url(url)) return std::nullopt;
                          return "expected memory:// or redis://host:port[,host:port...]";
                      });
    schema.add_int("cache.connections", 4, 1, 256,
                   "redis://: threads per process for Redis commands, each with a connection to "
                   "every node it uses.");
    schema.add_int("cache.max_bytes", 64LL << 20, 1LL << 20, 1LL << 40,
                   "memory://: the most the cache holds (keys, values and bookkeeping); the "
                   "least recently used entries make room.");
    schema.add_int("cache.ttl_seconds", 60, 1, 86400,
                   "How long a cached session or memory lives. With memory:// and several "
                   "processes this bounds how long another process may serve a changed "
                   "memory or a revoked token.");
}

std::unique_ptr<Cache> open_cache(const core::Config& config) {
    if (auto seeds = parse_redis_url(config.get_string("cache.url"))) {
        RedisCacheOptions o;
        o.seeds = std::move(*seeds);
        o.connections = static_cast<std::size_t>(config.get_int("cache.connections"));
        return make_redis_cache(o);
    }
    MemoryCacheOptions options;
    options.max_bytes = static_cast<std::size_t>(config.get_int("cache.max_bytes"));
    return make_memory_cache(options);
}

std::chrono::seconds cache_ttl(const core::Config& config) {
    return std::chrono::seconds(config.get_int("cache.ttl_seconds"));
}

void export_metrics(const Cache& cache, metrics::Registry& registry) {
    registry.add_collector([&cache](std::string& out) {
        using metrics::MetricType;
        auto s = cache.stats();
        auto labels = std::string("backend=\"") + cache.backend() + "\"";
        auto family = [&](const char* name, const char* help, MetricType type, double v) {
            metrics::write_family(out, name, help, type, v, labels);
        };
        family("cache_hits_total", "Cache lookups that found a live entry.", MetricType::kCounter,
               static_cast<double>(s.hits));
        family("cache_misses_total", "Cache lookups that found nothing.", MetricType::kCounter,
               static_cast<double>(s.misses));
        family("cache_evictions_total", "Live entries dropped to make room.", MetricType::kCounter,
               static_cast<double>(s.evictions));
        family("cache_entries", "Entries held.", MetricType::kGauge,
               static_cast<double>(s.entries));
        family("cache_bytes", "Bytes held, bookkeeping included.", MetricType::kGauge,
               static_cast<double>(s.bytes));
        family("cache_failures_total", "Commands a remote cache failed; each was served as a miss.",
               MetricType::kCounter, static_cast<double>(s.failures));
    });
}

}  // namespace mindme::cache
