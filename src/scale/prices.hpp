#pragma once
// A dated price table (prices/*.yaml) and the monthly cost of a planned fleet: EC2
// on-demand, spot and reserved; RDS; ElastiCache; the load balancer; data transfer out;
// CloudWatch. docs/scaling.md, "mindme plan", gives the cost model.
#include <map>
#include <string>

#include "scale/capacity_plan.hpp"

namespace mindme::scale {

struct InstancePrice {
    double on_demand = 0;  // USD per hour
    double spot = 0;
    double reserved = 0;  // effective hourly rate of a 1-year, no-upfront reservation
};

struct PriceTable {
    std::string region;
    std::string as_of;
    std::string source;
    double hours_per_month = 730;
    std::map<std::string, InstancePrice> ec2;
    std::map<std::string, double> rds;          // per hour, single-AZ; Multi-AZ doubles it
    std::map<std::string, double> elasticache;  // per node-hour
    double load_balancer_hour = 0;
    double load_balancer_lcu_hour = 0;
    double transfer_out_per_gb = 0;
    double alarm_month = 0;                // per standard-resolution alarm
    double detailed_monitoring_month = 0;  // per instance
};

// Errors (std::invalid_argument) name the file and the key.
PriceTable parse_price_table(const std::string& text, const std::string& origin);

struct MonthlyCost {
    double ec2_on_demand = 0;
    double ec2_spot = 0;
    double ec2_reserved = 0;  // the fleet's floor reserved, the rest on demand
    double database = 0;
    double cache = 0;
    double load_balancer = 0;
    double data_transfer = 0;
    double monitoring = 0;
    double total_on_demand() const {
        return ec2_on_demand + database + cache + load_balancer + data_transfer + monitoring;
    }
    double total_reserved() const {
        return ec2_reserved + database + cache + load_balancer + data_transfer + monitoring;
    }
};

// The trace's cost scaled to a month (hours_per_month). Throws std::invalid_argument for
// an instance, database or cache type the table does not price.
MonthlyCost monthly_cost(const Fleet& fleet, const PlanResult& plan, const PriceTable& prices);

}  // namespace mindme::scale
