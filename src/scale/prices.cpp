#include "scale/prices.hpp"

#include <stdexcept>

#include "scale/yaml_input.hpp"

namespace mindme::scale {

namespace {

double price(const YAML::Node& node, const std::string& where) {
    auto v = read<double>(node, where, "expected a price in USD");
    if (v < 0) refuse(where, "a price cannot be negative");
    return v;
}

std::map<std::string, double> hourly(const YAML::Node& node, const std::string& where) {
    if (!node.IsMap()) refuse(where, "expected a mapping of types to hourly prices");
    std::map<std::string, double> out;
    for (const auto& item : node) {
        auto type = item.first.as<std::string>();
        out[type] = price(item.second, where + "." + type);
    }
    return out;
}

// Load balancer capacity units: the larger of processed gigabytes per hour and new
// connections per second / 25, with a connection per visit of four requests (the
// reference scenario's visit: clients keep connections alive within a visit).
constexpr double kRequestsPerConnection = 4;
constexpr double kNewConnectionsPerLcu = 25;

}  // namespace

PriceTable parse_price_table(const std::string& text, const std::string& origin) {
    auto doc = load_mapping(text, origin, "a mapping of prices");
    PriceTable t;
    for_each_setting(
        doc, origin, ": ",
        [&](const std::string& key, const std::string& where, const YAML::Node& v) {
            if (key == "region") {
                t.region = v.as<std::string>();
            } else if (key == "asof") {
                t.as_of = v.as<std::string>();
            } else if (key == "source") {
                t.source = v.as<std::string>();
            } else if (key == "hourspermonth") {
                t.hours_per_month = price(v, where);
            } else if (key == "ec2") {
                if (!v.IsMap()) refuse(where, "expected a mapping of instance types");
                for (const auto& type : v) {
                    auto name = type.first.as<std::string>();
                    auto at = where + "." + name;
                    if (!type.second.IsMap() || !type.second["On Demand"])
                        refuse(at, "expected On Demand, Spot and Reserved hourly prices");
                    InstancePrice p;
                    p.on_demand = price(type.second["On Demand"], at + ".On Demand");
                    p.spot = type.second["Spot"] ? price(type.second["Spot"], at + ".Spot")
                                                 : p.on_demand;
                    p.reserved = type.second["Reserved"]
                                     ? price(type.second["Reserved"], at + ".Reserved")
                                     : p.on_demand;
                    t.ec2[name] = p;
                }
            } else if (key == "rds" || key == "rdspostgresql") {
                t.rds = hourly(v, where);
            } else if (key == "elasticache") {
                t.elasticache = hourly(v, where);
            } else if (key == "loadbalancerhour") {
                t.load_balancer_hour = price(v, where);
            } else if (key == "loadbalancerlcuhour") {
                t.load_balancer_lcu_hour = price(v, where);
            } else if (key == "datatransferoutpergb") {
                t.transfer_out_per_gb = price(v, where);
            } else if (key == "alarmmonth") {
                t.alarm_month = price(v, where);
            } else if (key == "detailedmonitoringmonth") {
                t.detailed_monitoring_month = price(v, where);
            } else {
                refuse(where,
                       "unknown key; known: Region, As Of, Source, Hours per Month, EC2, "
                       "RDS, ElastiCache, Load Balancer Hour, Load Balancer LCU Hour, Data "
                       "Transfer Out per GB, Alarm Month, Detailed Monitoring Month");
            }
        });
    if (t.as_of.empty()) refuse(origin, "As Of is required: a price table is dated");
    return t;
}

MonthlyCost monthly_cost(const Fleet& fleet, const PlanResult& plan, const PriceTable& prices) {
    MonthlyCost cost;
    const double month = prices.hours_per_month;
    const double hours = static_cast<double>(plan.duration_seconds) / 3600.0;
    if (!(hours > 0)) refuse(fleet.name, "the trace has no duration");
    const double scale = month / hours;
    const auto& type = fleet.policy.instance_type;
    auto ec2 = prices.ec2.find(type);
    if (ec2 == prices.ec2.end())
        refuse(fleet.name,
               "Instance Type \"" + type + "\" is not in the price table (" + prices.as_of + ")");
    const double instance_hours = plan.instance_hours * scale;
    cost.ec2_on_demand = instance_hours * ec2->second.on_demand;
    cost.ec2_spot = instance_hours * ec2->second.spot;
    const double floor_hours = plan.least_desired * month;
    cost.ec2_reserved = floor_hours * ec2->second.reserved +
                        std::max(0.0, instance_hours - floor_hours) * ec2->second.on_demand;

    const auto& s = fleet.services;
    if (!s.database.empty()) {
        auto rds = prices.rds.find(s.database);
        if (rds == prices.rds.end())
            refuse(fleet.name, "Database \"" + s.database + "\" is not in the price table");
        cost.database = rds->second * month * ((s.database_multi_az ? 2 : 1) + s.read_replicas);
    }
    if (!s.cache_node.empty()) {
        auto node = prices.elasticache.find(s.cache_node);
        if (node == prices.elasticache.end())
            refuse(fleet.name, "Cache Node \"" + s.cache_node + "\" is not in the price table");
        cost.cache = node->second * month * s.cache_nodes;
    }
    const double requests_per_hour = plan.requests / hours;
    const double gb_per_hour = requests_per_hour * s.kilobytes_per_request / (1024.0 * 1024.0);
    if (s.load_balancer) {
        double connections_per_second = requests_per_hour / 3600.0 / kRequestsPerConnection;
        double lcu = std::max(gb_per_hour, connections_per_second / kNewConnectionsPerLcu);
        cost.load_balancer =
            month * (prices.load_balancer_hour + lcu * prices.load_balancer_lcu_hour);
    }
    cost.data_transfer = gb_per_hour * month * prices.transfer_out_per_gb;
    cost.monitoring = static_cast<double>(plan.alarm_names.size()) * prices.alarm_month +
                      plan.mean_desired * prices.detailed_monitoring_month;
    return cost;
}

}  // namespace mindme::scale
