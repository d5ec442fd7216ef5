#pragma once
// Capacity planning (`mindme plan`): a traffic trace replayed through a fleet's policy
// with a capacity model standing in for the instances, so that the metrics the policy
// reads follow the fleet it sizes. Per evaluation the offered requests are spread over
// the InService instances; against the capacity per instance (measured by
// bench/capacity.sh: the highest rate at which p99 stayed within the SLO) that gives
// utilisation ρ, CPU = 100·min(ρ, 1) %, response time = base / (1 − ρ) (capped), and
// above capacity the excess fails (error rate 1 − 1/ρ) and the minute counts as over
// the SLO.
#include <cstdint>
#include <string>
#include <vector>

#include "scale/policy_file.hpp"

namespace mindme::scale {

struct CapacityModel {
    double requests_per_second = 0;         // per instance, at the SLO
    double base_latency_seconds = 0.02;     // at low load
    double memory_percent = 0;              // steady memory use per instance
    double requests_per_user_minute = 0.3;  // when the trace counts users
    std::string source;                     // where the figures come from
};

// The managed services a fleet's cost includes besides its instances.
struct Services {
    std::string database;  // RDS instance class; empty: none
    bool database_multi_az = false;
    int read_replicas = 0;
    std::string cache_node;  // ElastiCache node type; empty: none
    int cache_nodes = 0;
    bool load_balancer = true;         // an Application Load Balancer
    double kilobytes_per_request = 8;  // response bytes, for data transfer out
};

struct Fleet {
    std::string name;
    PolicyFile policy;
    CapacityModel capacity;
    Services services;
};

// Reads a fleet from a policy file that may carry `Capacity:` (a mapping, or the path of
// a bench/capacity.sh JSON result relative to `base_dir`) and `Services:`.
Fleet parse_fleet(const std::string& text, const std::string& origin, const std::string& base_dir);
// A bench/capacity.sh result ({"requests_per_second": …, "p99_ms_at_capacity": …}).
CapacityModel parse_capacity_json(const std::string& text, const std::string& origin);

struct TrafficPoint {
    std::int64_t t = 0;
    double value = 0;
};
struct Traffic {
    bool users = false;  // values are concurrent users, else requests per minute
    std::vector<TrafficPoint> points;
};
// CSV with a header `t_seconds,users` or `t_seconds,requests_per_minute` (`minute` in
// place of t_seconds counts minutes); each value holds until the next row, the last for
// a minute.
Traffic parse_traffic(const std::string& csv, const std::string& origin);

struct PlanRow {
    std::int64_t t = 0;
    double requests_per_minute = 0;
    int desired = 0;
    int in_service = 0;
    double cpu_percent = 0;
    double response_time_seconds = 0;
    double error_rate_percent = 0;
    bool over_slo = false;
    std::vector<metrics::AlarmState> alarms;
};

struct PlanResult {
    std::string fleet;
    std::vector<std::string> alarm_names;
    std::vector<PlanRow> rows;
    std::int64_t step_seconds = 60;
    double instance_hours = 0;  // desired instances over time: what is billed
    int peak_desired = 0;
    int least_desired = 0;
    double mean_desired = 0;
    std::int64_t seconds_over_slo = 0;
    std::vector<std::int64_t> seconds_in_alarm;  // per alarm name
    double requests = 0;                         // over the trace
    std::int64_t duration_seconds = 0;
};

// Replays `traffic` through the fleet. The SLO is the response time above which a
// period counts as over it (the seed's 2 s alarm).
PlanResult run_plan(const Fleet& fleet, const Traffic& traffic, double slo_seconds = 2.0);

}  // namespace mindme::scale
