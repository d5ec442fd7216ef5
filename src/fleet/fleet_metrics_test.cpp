// A group's metrics over a period, from its processes' /metrics.
#include "fleet/fleet_metrics.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mindme::fleet {
namespace {

std::string metrics(double cpu, double api, double errors, double health, double seconds,
                    double ready_jobs) {
    return "process_cpu_seconds_total " + std::to_string(cpu) +
           "\nprocess_resident_memory_bytes 1024\n"
           "http_requests_total{route=\"/v1/sync\",method=\"GET\",status=\"200\"} " +
           std::to_string(api) +
           "\nhttp_requests_total{route=\"/v1/sync\",method=\"GET\",status=\"500\"} " +
           std::to_string(errors) +
           "\nhttp_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} " +
           std::to_string(health) + "\nhttp_request_duration_seconds_sum{route=\"/v1/sync\"} " +
           std::to_string(seconds) + "\nqueue_depth{topic=\"memory.changed\",state=\"ready\"} " +
           std::to_string(ready_jobs) +
           "\nqueue_depth{topic=\"memory.changed\",state=\"leased\"} 2"
           "\nqueue_depth{topic=\"memory.changed\",state=\"dead\"} 50\n";
}

TEST(FleetMetrics, ASampleLeavesOutTheFleetsOwnProbes) {
    auto s = parse_sample(metrics(3, 90, 10, 500, 4, 7), 100);
    EXPECT_DOUBLE_EQ(s.server.requests, 100);  // /health is not load
    EXPECT_DOUBLE_EQ(s.server.server_errors, 10);
    EXPECT_DOUBLE_EQ(s.server.duration_sum, 4);
    EXPECT_DOUBLE_EQ(s.server.cpu_seconds, 3);
    EXPECT_DOUBLE_EQ(s.queue_depth, 9);  // ready and leased; dead letters wait for no one
}

TEST(FleetMetrics, AGroupAveragesItsInstancesAndSumsItsRequests) {
    // Two processes over 60 s on 2 cores: one busy (60 CPU s = 50 %), one idle.
    auto a0 = parse_sample(metrics(0, 0, 0, 0, 0, 0), 0);
    auto a1 = parse_sample(metrics(60, 570, 30, 99, 60, 0), 60);
    auto b0 = parse_sample(metrics(10, 100, 0, 0, 10, 0), 0);
    auto b1 = parse_sample(metrics(10, 100, 0, 0, 10, 0), 60);
    auto g = group_metrics({{a0, a1}, {b0, b1}}, 2, 0);
    EXPECT_EQ(g.instances, 2);
    EXPECT_DOUBLE_EQ(g.cpu_percent, 25);
    EXPECT_DOUBLE_EQ(g.requests_per_minute, 600);
    EXPECT_DOUBLE_EQ(g.requests_per_instance_minute, 300);
    EXPECT_DOUBLE_EQ(*g.error_rate_percent, 5);
    EXPECT_DOUBLE_EQ(*g.response_time_seconds, 0.1);
    EXPECT_FALSE(group_metrics({{b0, b1}}, 2, 0).error_rate_percent);  // no requests
    EXPECT_EQ(group_metrics({}, 2, 0).instances, 0);
}

}  // namespace
}  // namespace mindme::fleet
