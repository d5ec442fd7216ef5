// Exporters: what they write reads back, through the engine's own AWS and Kubernetes
// readers, as the same policy.
#include "scale/exporters.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "scale/aws_input.hpp"
#include "scale/seed_policy_test.hpp"
#include "scale/simulation.hpp"

namespace mindme::scale {
namespace {

const char* const kSeed = test::kSeedPolicy;

std::string as_json(const YAML::Node& node) {
    YAML::Emitter e;
    e << YAML::DoubleQuoted << YAML::Flow << node;
    return e.c_str();
}

// A day-like trace: CPU and requests rise, hold and fall; each metric under the name
// the policy file reads and the name AWS's target tracking reads.
std::vector<TracePoint> trace() {
    std::vector<TracePoint> points;
    for (std::int64_t m = 0; m < 240; ++m) {
        double load = m < 60 ? 40 + m : m < 150 ? 100 : std::max(10.0, 100 - (m - 150) * 2.0);
        double cpu = load * 0.85;
        for (const char* name : {"CPUUtilization", "ASGAverageCPUUtilization"})
            points.push_back({m * 60, name, cpu});
        for (const char* name : {"RequestCountPerTarget", "ALBRequestCountPerTarget"})
            points.push_back({m * 60, name, load * 12});
        points.push_back({m * 60, "RequestCount", load * 900});
        points.push_back({m * 60, "TargetResponseTime", 0.05});
    }
    return points;
}

TEST(Exporters, TheAwsParametersReadBackAsTheSamePolicy) {
    auto policy = parse_policy_file(kSeed, "seed.yaml");
    auto doc = YAML::Load(export_aws(policy, {"mindme", "q"}));
    Simulation aws;
    aws.group = parse_aws_group(as_json(doc["autoscaling create-auto-scaling-group"]), "group");
    for (const auto& p : doc["autoscaling put-scaling-policy"])
        aws.policies.push_back(parse_aws_policy(as_json(p), "policy"));
    for (const auto& a : doc["cloudwatch put-metric-alarm"])
        aws.alarms.push_back(parse_aws_alarm(as_json(a), "alarm"));
    // EC2 target tracking has no cooldowns; simulate runs them as the policy file does.
    aws.cooldowns = policy.cooldowns;
    EXPECT_EQ(aws.group.min_size, 25);
    EXPECT_EQ(aws.group.desired, 50);
    ASSERT_EQ(aws.policies.size(), 5u);
    ASSERT_EQ(aws.alarms.size(), 8u);  // 3 triggers, 5 monitoring alarms
    auto expected = simulate(to_simulation(policy), trace());
    EXPECT_EQ(simulate(aws, trace()), expected);
    EXPECT_NE(expected.find(",100,"), std::string::npos) << "the trace should reach the maximum";
}

TEST(Exporters, ApplicationAutoScalingCarriesTheCooldowns) {
    auto policy = parse_policy_file(kSeed, "seed.yaml");
    auto doc = YAML::Load(export_aws(policy, {"mindme", "q"}));
    auto target = doc["application-autoscaling register-scalable-target"];
    EXPECT_EQ(target["MinCapacity"].as<int>(), 25);
    auto tracking = doc["application-autoscaling put-scaling-policy"][0];
    auto config = tracking["TargetTrackingScalingPolicyConfiguration"];
    EXPECT_EQ(config["PredefinedMetricSpecification"]["PredefinedMetricType"].as<std::string>(),
              "ECSServiceAverageCPUUtilization");
    EXPECT_EQ(config["ScaleOutCooldown"].as<int>(), 300);
    EXPECT_EQ(config["ScaleInCooldown"].as<int>(), 600);
    auto scale_in = doc["application-autoscaling put-scaling-policy"][3];
    EXPECT_EQ(scale_in["PolicyName"].as<std::string>(), "Scale In");
    auto step = scale_in["StepScalingPolicyConfiguration"]["StepAdjustments"][0];
    EXPECT_EQ(step["MetricIntervalUpperBound"].as<int>(), 0);
    EXPECT_EQ(step["ScalingAdjustment"].as<int>(), -10);
}

TEST(Exporters, TerraformHasAResourcePerPolicyAndAlarm) {
    auto text = export_terraform(parse_policy_file(kSeed, "seed.yaml"), {"mindme", "q"});
    auto count = [&](const std::string& what) {
        std::size_t n = 0;
        for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
        return n;
    };
    EXPECT_EQ(count("resource \"aws_autoscaling_group\""), 1u);
    EXPECT_EQ(count("resource \"aws_autoscaling_policy\""), 5u);
    EXPECT_EQ(count("resource \"aws_cloudwatch_metric_alarm\""), 8u);
    EXPECT_EQ(count("{"), count("}"));
    EXPECT_NE(text.find("alarm_actions       = [aws_autoscaling_policy.scale_out.arn]"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("predefined_metric_type = \"ALBRequestCountPerTarget\""),
              std::string::npos);
    EXPECT_NE(text.find("cooldown               = 600"), std::string::npos);  // Scale In
}

TEST(Exporters, KubernetesGetsAnHpaOrAKedaScaledObject) {
    auto hpa_text = export_kubernetes(parse_policy_file(kSeed, "seed.yaml"), {"api", "q"});
    auto hpa = YAML::Load(hpa_text);
    EXPECT_EQ(hpa["apiVersion"].as<std::string>(), "autoscaling/v2");
    EXPECT_EQ(hpa["kind"].as<std::string>(), "HorizontalPodAutoscaler");
    EXPECT_EQ(hpa["spec"]["minReplicas"].as<int>(), 25);
    EXPECT_EQ(hpa["spec"]["maxReplicas"].as<int>(), 100);
    EXPECT_EQ(hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"].as<int>(), 70);
    EXPECT_EQ(hpa["spec"]["metrics"][1]["pods"]["target"]["averageValue"].as<std::string>(),
              "1000");
    EXPECT_EQ(hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"].as<int>(), 600);
    EXPECT_NE(hpa_text.find("# not carried: the trigger \"Emergency Scale Out\""),
              std::string::npos);

    auto worker = parse_policy_file(R"(Min Size: 1
Max Size: 20
Target Queue Depth: 100
Target CPU Utilization: 80%
Scale In Cooldown: 120 seconds
)",
                                    "worker.yaml");
    auto keda_text = export_kubernetes(worker, {"worker", "mindme.memory.changed"});
    auto keda = YAML::Load(keda_text);
    EXPECT_EQ(keda["kind"].as<std::string>(), "ScaledObject");
    EXPECT_EQ(keda["spec"]["cooldownPeriod"].as<int>(), 120);
    auto trigger = keda["spec"]["triggers"][0];
    EXPECT_EQ(trigger["type"].as<std::string>(), "rabbitmq");
    EXPECT_EQ(trigger["metadata"]["queueName"].as<std::string>(), "mindme.memory.changed");
    EXPECT_NE(keda_text.find("value: \"100\""), std::string::npos) << keda_text;  // a string
    EXPECT_EQ(keda["spec"]["triggers"][1]["type"].as<std::string>(), "cpu");
}

}  // namespace
}  // namespace mindme::scale
