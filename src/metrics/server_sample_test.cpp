// A period's metrics from two samples, and a sample from the registry's HTTP families.
#include "metrics/server_sample.hpp"

#include <gtest/gtest.h>

#include "metrics/registry.hpp"

namespace mindme::metrics {
namespace {

TEST(ServerSample, APeriodsMetricsComeFromTwoSamples) {
    ServerSample a{100, 10, 0, 1000, 10, 50};
    ServerSample b{130, 25, 512, 1600, 40, 80};  // 30 s later
    auto m = metrics_between(a, b, 2, 1024);
    EXPECT_DOUBLE_EQ(m.cpu_percent, 100 * 15.0 / (30 * 2));
    EXPECT_DOUBLE_EQ(m.memory_percent, 50);
    EXPECT_DOUBLE_EQ(m.requests_per_minute, 1200);
    EXPECT_DOUBLE_EQ(*m.error_rate_percent, 5);
    EXPECT_DOUBLE_EQ(*m.response_time_seconds, 30.0 / 600);
    auto quiet = metrics_between(b, ServerSample{160, 25, 512, 1600, 40, 80}, 2, 1024);
    EXPECT_DOUBLE_EQ(quiet.requests_per_minute, 0);
    EXPECT_FALSE(quiet.error_rate_percent);
    EXPECT_FALSE(quiet.response_time_seconds);
}

TEST(ServerSample, TheServerSampleSumsTheHttpFamilies) {
    Registry registry;
    auto& requests =
        registry.counter_family("http_requests_total", "h", {"route", "method", "status"});
    requests.with({"/a", "GET", "200"}).inc(7);
    requests.with({"/a", "GET", "503"}).inc(2);
    requests.with({"/b", "POST", "500"}).inc(1);
    auto& durations = registry.histogram_family("http_request_duration_seconds", "h", {"route"});
    durations.with({"/a"}).observe(0.5);
    durations.with({"/b"}).observe(1.5);
    auto s = sample_server(registry);
    EXPECT_DOUBLE_EQ(s.requests, 10);
    EXPECT_DOUBLE_EQ(s.server_errors, 3);
    EXPECT_DOUBLE_EQ(s.duration_sum, 2);
    EXPECT_GT(s.resident_bytes, 0);
}

}  // namespace
}  // namespace mindme::metrics
