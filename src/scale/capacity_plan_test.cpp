// mindme plan's model: traffic traces, fleets, and the replay of load against capacity.
#include "scale/capacity_plan.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace mindme::scale {
namespace {

TEST(Traffic, UsersOrRequestsPerMinuteWithSecondsOrMinutes) {
    auto users = parse_traffic("# a comment\nminute,users\n0,100\n1,250\n", "t.csv");
    EXPECT_TRUE(users.users);
    ASSERT_EQ(users.points.size(), 2u);
    EXPECT_EQ(users.points[1].t, 60);
    EXPECT_DOUBLE_EQ(users.points[1].value, 250);
    auto requests = parse_traffic("t_seconds,requests_per_minute\n0,10\n30,20.5\n", "t.csv");
    EXPECT_FALSE(requests.users);
    EXPECT_EQ(requests.points[1].t, 30);
}

void expect_refused(const char* csv, const char* says) {
    try {
        parse_traffic(csv, "t.csv");
        ADD_FAILURE() << csv << " was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
}

TEST(Traffic, BadTracesAreRefusedNamingTheLine) {
    expect_refused("hour,users\n0,1\n", "t.csv:1: the header must be");
    expect_refused("minute,people\n0,1\n", "t.csv:1: the second column");
    expect_refused("minute,users\n0,1\n0,2\n", "t.csv:3: times must increase");
    expect_refused("minute,users\n0,-1\n", "t.csv:2: the value must be a number ≥ 0");
    expect_refused("minute,users\n0,1,2\n", "t.csv:2: expected two columns");
    expect_refused("minute,users\n", "no traffic rows");
}

Fleet small_fleet(const char* extra = "") {
    std::string text = std::string(R"(Name: small
Instance Type: c6i.large
Min Size: 1
Max Size: 10
Target CPU Utilization: 50%
Capacity:
  Requests per Second: 10
  Latency: 100ms
)") + extra;
    return parse_fleet(text, "small.yaml", ".");
}

TEST(Plan, LoadWithinCapacityKeepsTheFleetAndReportsItsCpu) {
    auto fleet = small_fleet();
    EXPECT_DOUBLE_EQ(fleet.capacity.requests_per_second, 10);
    EXPECT_DOUBLE_EQ(fleet.capacity.base_latency_seconds, 0.1);
    // 240 requests a minute = 4/s on one instance of 10/s: 40 % CPU, under the target.
    auto r = run_plan(fleet, parse_traffic("minute,requests_per_minute\n0,240\n9,240\n", "t"));
    ASSERT_EQ(r.rows.size(), 10u);
    EXPECT_EQ(r.duration_seconds, 600);
    for (const auto& row : r.rows) {
        EXPECT_EQ(row.desired, 1);
        EXPECT_DOUBLE_EQ(row.cpu_percent, 40);
        EXPECT_DOUBLE_EQ(row.response_time_seconds, 0.1 / 0.6);
        EXPECT_FALSE(row.over_slo);
    }
    EXPECT_DOUBLE_EQ(r.instance_hours, 600.0 / 3600.0);
    EXPECT_DOUBLE_EQ(r.requests, 2400);
    EXPECT_EQ(r.seconds_over_slo, 0);
}

TEST(Plan, OverloadFailsTheSloUntilTheFleetHasScaledOut) {
    // 900 requests a minute = 15/s: 1.5 times one instance. CPU reads 100 % (it cannot
    // read more), so the target's first proposal is 2 (ρ = 0.75, 75 % CPU), its next 3.
    auto r =
        run_plan(small_fleet(), parse_traffic("minute,requests_per_minute\n0,900\n59,900\n", "t"));
    EXPECT_DOUBLE_EQ(r.rows.front().cpu_percent, 100);
    EXPECT_NEAR(r.rows.front().error_rate_percent, 100.0 / 3, 1e-9);
    EXPECT_TRUE(r.rows.front().over_slo);
    EXPECT_EQ(r.rows.back().desired, 3);
    EXPECT_DOUBLE_EQ(r.rows.back().cpu_percent, 50);
    // Over the SLO only while one instance served: the high alarm needs 3 periods.
    EXPECT_EQ(r.seconds_over_slo, 180);
    EXPECT_EQ(r.peak_desired, 3);
    EXPECT_EQ(r.least_desired, 1);
}

TEST(Plan, UsersBecomeRequestsAtTheFleetsRate) {
    auto fleet = small_fleet("  Requests per User per Minute: 0.5\n");
    auto r = run_plan(fleet, parse_traffic("minute,users\n0,200\n", "t"));
    EXPECT_DOUBLE_EQ(r.rows.front().requests_per_minute, 100);
}

TEST(Plan, AFleetReadsAMeasuredCapacityAndItsServices) {
    auto dir = std::filesystem::temp_directory_path() / "mindme_capacity_plan_test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "capacity.json")
        << R"({"shape": "all", "date": "2026-01-02", "cores": 2, "requests_per_second": 2000.5,
              "measured_with": "bench/capacity.sh all 15"})";
    auto fleet = parse_fleet(R"(Min Size: 2
Max Size: 4
Capacity: capacity.json
Services: {Database: db.r6g.large, Multi-AZ: true, Read Replicas: 1, Cache Node: cache.r6g.large,
           Response Size: 2 KB})",
                             "f.yaml", dir.string());
    EXPECT_DOUBLE_EQ(fleet.capacity.requests_per_second, 2000.5);
    EXPECT_NE(fleet.capacity.source.find("2026-01-02"), std::string::npos);
    EXPECT_EQ(fleet.services.database, "db.r6g.large");
    EXPECT_TRUE(fleet.services.database_multi_az);
    EXPECT_EQ(fleet.services.read_replicas, 1);
    EXPECT_EQ(fleet.services.cache_nodes, 1);  // a node named means at least one
    EXPECT_DOUBLE_EQ(fleet.services.kilobytes_per_request, 2);
    std::filesystem::remove_all(dir);
}

TEST(Plan, AFleetWithoutCapacityOrWithUnknownServicesIsRefused) {
    EXPECT_THROW(parse_fleet("Min Size: 1\nMax Size: 2\n", "f.yaml", "."), std::invalid_argument);
    EXPECT_THROW(parse_fleet("Min Size: 1\nMax Size: 2\nCapacity: {Requests per Second: 5}\n"
                             "Services: {Queue: amazon-mq}\n",
                             "f.yaml", "."),
                 std::invalid_argument);
    EXPECT_THROW(parse_fleet("Min Size: 1\nMax Size: 2\nCapacity: missing.json\n", "f.yaml", "."),
                 std::invalid_argument);
}

}  // namespace
}  // namespace mindme::scale
