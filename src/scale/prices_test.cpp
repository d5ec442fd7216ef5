// The dated price table and the monthly cost of a planned fleet.
#include "scale/prices.hpp"

#include <gtest/gtest.h>

namespace mindme::scale {
namespace {

const char* kTable = R"(Region: test
As Of: 2026-01-01
Source: made up for the test
Hours per Month: 720
EC2:
  c6i.large: {On Demand: 0.1, Spot: 0.04, Reserved: 0.06}
RDS PostgreSQL: {db.r6g.large: 0.2}
ElastiCache: {cache.r6g.large: 0.3}
Load Balancer Hour: 0.02
Load Balancer LCU Hour: 0.01
Data Transfer Out per GB: 0.09
Alarm Month: 0.1
Detailed Monitoring Month: 2
)";

TEST(Prices, ATableIsDatedAndItsKeysKnown) {
    auto t = parse_price_table(kTable, "p.yaml");
    EXPECT_EQ(t.as_of, "2026-01-01");
    EXPECT_DOUBLE_EQ(t.ec2.at("c6i.large").reserved, 0.06);
    EXPECT_DOUBLE_EQ(t.rds.at("db.r6g.large"), 0.2);
    EXPECT_THROW(parse_price_table("Region: x\n", "p.yaml"), std::invalid_argument);  // no date
    EXPECT_THROW(parse_price_table("As Of: 2026\nEC2 Prices: {}\n", "p.yaml"),
                 std::invalid_argument);
    EXPECT_THROW(parse_price_table("As Of: 2026\nLoad Balancer Hour: -1\n", "p.yaml"),
                 std::invalid_argument);
}

TEST(Prices, AMonthIsTheTraceScaledUp) {
    auto table = parse_price_table(kTable, "p.yaml");
    Fleet fleet;
    fleet.name = "f";
    fleet.policy.instance_type = "c6i.large";
    fleet.services.database = "db.r6g.large";
    fleet.services.database_multi_az = true;
    fleet.services.read_replicas = 1;
    fleet.services.cache_node = "cache.r6g.large";
    fleet.services.cache_nodes = 2;
    fleet.services.kilobytes_per_request = 1024;  // 1 MiB
    PlanResult plan;
    plan.duration_seconds = 24 * 3600;  // a day
    plan.instance_hours = 72;           // 2 instances for 12 h, 4 for 12 h
    plan.least_desired = 2;
    plan.mean_desired = 3;
    plan.requests = 24 * 1024;  // 1 GiB an hour
    plan.alarm_names = {"a", "b"};
    auto cost = monthly_cost(fleet, plan, table);
    EXPECT_DOUBLE_EQ(cost.ec2_on_demand, 72 * 30 * 0.1);
    EXPECT_DOUBLE_EQ(cost.ec2_spot, 72 * 30 * 0.04);
    // The floor (2 instances all month) reserved, the other 720 instance-hours on demand.
    EXPECT_DOUBLE_EQ(cost.ec2_reserved, 2 * 720 * 0.06 + 720 * 0.1);
    EXPECT_DOUBLE_EQ(cost.database, 0.2 * 720 * 3);  // primary, standby, replica
    EXPECT_DOUBLE_EQ(cost.cache, 0.3 * 720 * 2);
    // 1 GB an hour processed is 1 LCU (connections: 1024 an hour, far below 25/s).
    EXPECT_DOUBLE_EQ(cost.load_balancer, 720 * (0.02 + 1 * 0.01));
    EXPECT_DOUBLE_EQ(cost.data_transfer, 720 * 0.09);
    EXPECT_DOUBLE_EQ(cost.monitoring, 2 * 0.1 + 3 * 2);
    EXPECT_DOUBLE_EQ(cost.total_on_demand(), cost.ec2_on_demand + cost.database + cost.cache +
                                                 cost.load_balancer + cost.data_transfer +
                                                 cost.monitoring);
}

TEST(Prices, AnUnpricedTypeIsRefused) {
    auto table = parse_price_table(kTable, "p.yaml");
    Fleet fleet;
    fleet.name = "f";
    fleet.policy.instance_type = "c7g.large";
    PlanResult plan;
    plan.duration_seconds = 60;
    EXPECT_THROW(monthly_cost(fleet, plan, table), std::invalid_argument);
    fleet.policy.instance_type = "c6i.large";
    fleet.services.database = "db.x9.huge";
    EXPECT_THROW(monthly_cost(fleet, plan, table), std::invalid_argument);
}

}  // namespace
}  // namespace mindme::scale
