// Policy files: the seed's settings as written, their translation to the engine's AWS
// terms, and clear refusals.
#include "scale/policy_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "scale/seed_policy_test.hpp"

namespace mindme::scale {
namespace {

const char* const kSeed = test::kSeedPolicy;

TEST(PolicyFile, TheSeedsSettingsLoadAsWritten) {
    auto p = parse_policy_file(kSeed, "seed.yaml");
    EXPECT_EQ(p.group.min_size, 25);
    EXPECT_EQ(p.group.max_size, 100);
    EXPECT_EQ(p.group.desired, 50);
    ASSERT_EQ(p.targets.size(), 2u);
    EXPECT_EQ(p.targets[0].metric, Metric::kCpu);
    EXPECT_DOUBLE_EQ(p.targets[0].value, 70);
    EXPECT_EQ(p.targets[1].metric, Metric::kRequestsPerInstance);
    EXPECT_DOUBLE_EQ(p.targets[1].value, 1000);
    ASSERT_TRUE(p.cooldowns);
    EXPECT_EQ(p.cooldowns->scale_out_seconds, 300);
    EXPECT_EQ(p.cooldowns->scale_in_seconds, 600);

    ASSERT_EQ(p.triggers.size(), 3u);
    EXPECT_EQ(p.triggers[0].name, "Scale Out");
    EXPECT_EQ(p.triggers[0].when.periods, 2);
    EXPECT_EQ(p.triggers[0].when.action->adjustment, 10);  // the default, outwards
    EXPECT_EQ(p.triggers[1].when.periods, 5);
    EXPECT_EQ(p.triggers[1].when.action->adjustment, -10);  // the default, inwards
    EXPECT_EQ(p.triggers[2].when.metric, Metric::kRequests);
    EXPECT_DOUBLE_EQ(p.triggers[2].when.threshold, 75000);

    ASSERT_EQ(p.alarms.size(), 5u);
    EXPECT_EQ(p.alarms[0].name, "cpu_high");
    EXPECT_EQ(p.alarms[1].name, "memory_high");
    EXPECT_EQ(p.alarms[2].name, "requests_high");
    EXPECT_EQ(p.alarms[3].name, "error_rate_high");
    EXPECT_EQ(p.alarms[4].name, "response_time_high");
    EXPECT_DOUBLE_EQ(p.alarms[4].when.threshold, 2);
}

TEST(PolicyFile, KeysIgnoreCaseAndSeparators) {
    auto p = parse_policy_file(R"(min_size: 2
max-size: 10
DESIRED CAPACITY: 4
target_queue_depth: 100
instance_warmup: 2 minutes
launch time: 45s
period: 10 seconds
alarms:
  slow: latency > 500ms for 3 of 5 periods
)",
                               "p");
    EXPECT_EQ(p.group.min_size, 2);
    EXPECT_EQ(p.group.max_size, 10);
    EXPECT_EQ(p.group.desired, 4);
    EXPECT_EQ(p.group.default_instance_warmup, 120);
    EXPECT_EQ(p.group.launch_seconds, 45);
    EXPECT_EQ(p.period_seconds, 10);
    EXPECT_EQ(p.targets.at(0).metric, Metric::kQueueDepth);
    EXPECT_FALSE(p.cooldowns);
    EXPECT_EQ(p.alarms.at(0).name, "slow");
    EXPECT_EQ(p.alarms.at(0).when.datapoints, 3);
}

TEST(PolicyFile, DesiredDefaultsToTheMinimum) {
    EXPECT_EQ(parse_policy_file("Min Size: 3\nMax Size: 9\n", "p").group.desired, 3);
}

void expect_refused(const std::string& text, const char* says) {
    try {
        parse_policy_file(text, "policy.yaml");
        ADD_FAILURE() << text << " was accepted";
    } catch (const std::invalid_argument& e) {
        std::string what = e.what();
        EXPECT_TRUE(what.starts_with("policy.yaml")) << what;
        EXPECT_NE(what.find(says), std::string::npos) << what;
    }
}

TEST(PolicyFile, BadFilesAreRefusedNamingTheSetting) {
    expect_refused("Min Size: 2\nMax Size: 4\nMax Sise: 5\n", "Max Sise: unknown setting");
    expect_refused("Max Size: 4\n", "Min Size is required");
    expect_refused("Min Size: 5\nMax Size: 4\n", "MaxSize");
    expect_refused("Min Size: two\n", "Min Size: expected a whole number");
    expect_refused("Min Size: 1\nMax Size: 4\nTarget Request Count: 100\n",
                   "falls as instances are added");
    expect_refused("Min Size: 1\nMax Size: 4\nTarget CPU Utilization: 0%\n", "positive");
    expect_refused("Min Size: 1\nMax Size: 4\nScale In Cooldown: soon\n", "Scale In Cooldown");
    expect_refused("Min Size: 1\nMax Size: 4\nCloudWatch Metrics:\n  - CPU > 80%, add 1\n",
                   "notifies only");
    expect_refused("Min Size: 1\nMax Size: 4\nAuto Scaling Triggers:\n  up: CPU ~ 80\n",
                   "Auto Scaling Triggers.up");
    expect_refused("[1, 2]", "expected a mapping");
    expect_refused("Min Size: [1\n", "not JSON or YAML");
}

TEST(PolicyFile, ToldFromAwsParameters) {
    EXPECT_TRUE(looks_like_policy_file(kSeed));
    EXPECT_FALSE(looks_like_policy_file(R"({"PolicyName": "p", "PolicyType": "StepScaling"})"));
    EXPECT_FALSE(looks_like_policy_file(R"({"AlarmName": "a"})"));
}

TEST(PolicyFile, TriggersTakeTheCooldownOfTheirDirection) {
    auto sim = to_simulation(parse_policy_file(kSeed, "seed.yaml"));
    ASSERT_EQ(sim.policies.size(), 5u);  // two targets, three triggers
    const auto& out = std::get<AwsSimplePolicy>(sim.policies[2]);
    const auto& in = std::get<AwsSimplePolicy>(sim.policies[3]);
    EXPECT_EQ(out.name, "Scale Out");
    EXPECT_EQ(out.spec.cooldown, 300);
    EXPECT_EQ(in.spec.cooldown, 600);
    EXPECT_EQ(in.spec.type, AdjustmentType::kPercentChangeInCapacity);
    EXPECT_EQ(in.spec.min_adjustment_magnitude, 1);
    ASSERT_EQ(sim.alarms.size(), 8u);  // one per trigger, five monitoring alarms
    EXPECT_EQ(sim.alarms[1].spec.evaluation_periods, 5);
    EXPECT_EQ(sim.alarms[1].metric, "CPUUtilization");
    EXPECT_EQ(sim.alarms[1].actions, std::vector<std::string>{"Scale In"});
    EXPECT_TRUE(sim.alarms[3].actions.empty());
}

std::vector<std::string> row_at(const std::string& csv, const std::string& t) {
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(t + ",")) {
            std::vector<std::string> cells;
            std::istringstream fields(line);
            for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
            return cells;
        }
    return {};
}

TEST(PolicyFile, TheSeedsTriggerScalesOutAndItsCooldownHolds) {
    auto sim = to_simulation(parse_policy_file(kSeed, "seed.yaml"));
    // CPU at 75 % from the start: the Scale Out trigger (2 periods above 70 %) adds 10 %
    // at the second evaluation, then waits out its 300 s cooldown before adding again;
    // the CPU target's high alarm (3 periods) proposes nothing above 55 meanwhile, its
    // base being the 50 warm instances.
    std::string trace = "t_seconds,metric,value\n";
    for (int t = 0; t < 600; t += 60) {
        trace += std::to_string(t) + ",CPUUtilization,75\n";
        trace += std::to_string(t) + ",RequestCountPerTarget,500\n";
        trace += std::to_string(t) + ",RequestCount,25000\n";
    }
    auto csv = simulate(sim, parse_trace(trace, "trace"));
    auto header = row_at(csv, "t_seconds");
    auto column = [&](const char* name) {
        return std::find(header.begin(), header.end(), name) - header.begin();
    };
    ASSERT_LT(column("Scale Out-alarm"), static_cast<long>(header.size())) << csv;
    ASSERT_LT(column("cpu_high"), static_cast<long>(header.size())) << csv;
    EXPECT_EQ(row_at(csv, "60").at(1), "50") << csv;
    EXPECT_EQ(row_at(csv, "120").at(1), "55") << csv;
    EXPECT_EQ(row_at(csv, "120").at(column("Scale Out-alarm")), "ALARM");
    EXPECT_EQ(row_at(csv, "360").at(1), "55") << csv;
    // At 420 s the new instances are warm: the CPU target proposes ceil(55·75/70) = 59,
    // then the trigger, its cooldown over, adds 10 % of that (5).
    EXPECT_EQ(row_at(csv, "420").at(1), "64") << csv;
    // The monitoring alarm at 80 % stays OK, the emergency trigger's alarm too.
    EXPECT_EQ(row_at(csv, "420").at(column("cpu_high")), "OK");
    EXPECT_EQ(row_at(csv, "420").at(column("Emergency Scale Out-alarm")), "OK");
}

}  // namespace
}  // namespace mindme::scale
