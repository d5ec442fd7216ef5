#include "metrics/registry.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "metrics/process_collector.hpp"

namespace mindme::metrics {
namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(Registry, RendersCountersWithLabelsAndEscapes) {
    Registry r;
    auto& f = r.counter_family("http_requests_total", "Requests.", {"route", "status"});
    f.with({"/v1/a", "200"}).inc(3);
    f.with({"we\"ird\\", "500"}).inc();
    auto text = r.render();
    EXPECT_TRUE(contains(text, "# TYPE http_requests_total counter\n"));
    EXPECT_TRUE(contains(text, "http_requests_total{route=\"/v1/a\",status=\"200\"} 3\n"));
    EXPECT_TRUE(contains(text, "http_requests_total{route=\"we\\\"ird\\\\\",status=\"500\"} 1\n"));
}

TEST(Registry, HistogramBucketsAreCumulativeAndCountMatches) {
    Registry r;
    auto& h = r.histogram_family("lat_seconds", "Latency.", {"route"}, {0.1, 1}).with({"x"});
    h.observe(0.05);
    h.observe(0.5);
    h.observe(5);
    auto text = r.render();
    EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"x\",le=\"0.1\"} 1\n"));
    EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"x\",le=\"1\"} 2\n"));
    EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"x\",le=\"+Inf\"} 3\n"));
    EXPECT_TRUE(contains(text, "lat_seconds_count{route=\"x\"} 3\n"));
    EXPECT_TRUE(contains(text, "lat_seconds_sum{route=\"x\"} 5.55\n"));
}

TEST(Registry, ConcurrentUpdatesAreNotLost) {
    Registry r;
    auto& c = r.counter("hits_total", "Hits.");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 100000; ++i) c.inc();
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(c.value(), 400000u);
}

TEST(Registry, DuplicateFamiliesAreRefused) {
    Registry r;
    r.counter("x_total", "X.");
    EXPECT_THROW(r.counter("x_total", "X."), std::logic_error);
}

TEST(ProcessCollector, ReportsCpuAndResidentMemory) {
    Registry r;
    add_process_collector(r);
    auto text = r.render();
    EXPECT_TRUE(contains(text, "# TYPE process_cpu_seconds_total counter\n"));
    auto pos = text.find("\nprocess_resident_memory_bytes ");
    ASSERT_NE(pos, std::string::npos);
    double rss = std::stod(text.substr(pos + 31));
    EXPECT_GT(rss, 1024 * 1024);  // any live process has more than 1 MiB resident
}

}  // namespace
}  // namespace mindme::metrics
