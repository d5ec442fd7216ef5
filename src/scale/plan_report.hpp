#pragma once
// The reports of `mindme plan`: text (per fleet, then side by side), CSV (one row per
// fleet and evaluation) and HTML (the text's figures with SVG charts of load and fleet).
#include <string>
#include <vector>

#include "scale/capacity_plan.hpp"
#include "scale/prices.hpp"

namespace mindme::scale {

struct FleetPlan {
    Fleet fleet;
    PlanResult plan;
    MonthlyCost cost;
};

std::string plan_text(const std::vector<FleetPlan>& plans, const PriceTable& prices);
// fleet,t_seconds,requests_per_minute,desired,in_service,cpu_percent,
// response_time_seconds,error_rate_percent,over_slo,alarms (the names in ALARM, `;`
// between them).
std::string plan_csv(const std::vector<FleetPlan>& plans);
std::string plan_html(const std::vector<FleetPlan>& plans, const PriceTable& prices);

}  // namespace mindme::scale
