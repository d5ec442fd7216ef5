// HPA and KEDA manifests replayed against a trace, pods starting as they would.
#include "scale/k8s_simulation.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace mindme::scale {
namespace {

// desired per row, by t_seconds.
std::map<std::int64_t, std::vector<int>> rows(const std::string& csv) {
    std::map<std::int64_t, std::vector<int>> out;
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "t_seconds,desired,in_service,warming");
    while (std::getline(in, line)) {
        std::vector<int> cells;
        std::istringstream fields(line);
        for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(std::stoi(cell));
        out[cells[0]] = {cells[1], cells[2], cells[3]};
    }
    return out;
}

const char* kHpa = R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
spec:
  minReplicas: 2
  maxReplicas: 20
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
)";

TEST(K8sSimulation, AnHpaScalesOnTheTraceAndHoldsThroughItsDownWindow) {
    // CPU at 100 % of the request from 0 s to 60 s, then 10 %.
    auto trace = parse_trace("t_seconds,metric,value\n0,cpu,100\n60,cpu,10\n600,cpu,10\n", "t.csv");
    auto r = rows(simulate_hpa(parse_hpa(kHpa, "h.yaml"), trace, {0, 30, 15}));
    EXPECT_EQ(r.at(15)[0], 4);  // ceil(2 × 100/50)
    EXPECT_EQ(r.at(15)[1], 2);  // the two new pods are starting (30 s)
    EXPECT_EQ(r.at(15)[2], 2);
    // At 30 s the starting pods count as idle while scaling up: 2 ready at 100 %, 2 at
    // 0 → 50 %, at target: no change.
    EXPECT_EQ(r.at(30)[0], 4);
    // At 45 s the four are ready, still at 100 %: 8.
    EXPECT_EQ(r.at(45)[0], 8);
    EXPECT_EQ(r.at(45)[1], 4);
    EXPECT_EQ(r.at(75)[1], 8);
    // From 60 s CPU is 10 %: the proposal is 1 (then the minimum, 2), but the 300 s
    // down-stabilization window keeps 8 until 300 s after the last recommendation of 8.
    EXPECT_EQ(r.at(330)[0], 8);
    EXPECT_EQ(r.at(345)[0], 2);
}

TEST(K8sSimulation, KedaScalesToZeroAfterTheCooldownAndBackOnActivation) {
    auto keda = parse_keda(R"(apiVersion: keda.sh/v1alpha1
kind: ScaledObject
spec:
  scaleTargetRef: {name: worker}
  pollingInterval: 30
  cooldownPeriod: 120
  triggers:
  - type: rabbitmq
    metadata: {queueName: jobs, mode: QueueLength, value: "100"}
)",
                           "k.yaml");
    auto trace = parse_trace(
        "t_seconds,metric,value\n0,jobs,950\n100,jobs,0\n400,jobs,5\n500,jobs,5\n", "t.csv");
    auto r = rows(simulate_keda(keda, trace, {0, 0, 15}));
    EXPECT_EQ(r.at(30)[0], 5);   // 1 → 5: the HPA's rate limit (100 % or 4 pods per 15 s)
    EXPECT_EQ(r.at(60)[0], 10);  // ceil(950 / 100)
    // Empty from 100 s; the last active poll was at 90 s: zero once 120 s have passed.
    EXPECT_GT(r.at(180)[0], 0);
    EXPECT_EQ(r.at(210)[0], 0);
    EXPECT_EQ(r.at(390)[0], 0);
    EXPECT_EQ(r.at(420)[0], 1);  // five messages: active again
}

}  // namespace
}  // namespace mindme::scale
