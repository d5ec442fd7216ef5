// Kubernetes manifests read as written, including what the exporter writes.
#include "scale/k8s_input.hpp"

#include <gtest/gtest.h>

#include "scale/exporters.hpp"
#include "scale/seed_policy_test.hpp"

namespace mindme::scale {
namespace {

TEST(K8sInput, QuantitiesTakeKubernetesSuffixes) {
    EXPECT_DOUBLE_EQ(parse_quantity_k8s("500m", "q"), 0.5);
    EXPECT_DOUBLE_EQ(parse_quantity_k8s("2k", "q"), 2000);
    EXPECT_DOUBLE_EQ(parse_quantity_k8s("1Ki", "q"), 1024);
    EXPECT_DOUBLE_EQ(parse_quantity_k8s("30", "q"), 30);
    EXPECT_THROW(parse_quantity_k8s("3x", "q"), std::invalid_argument);
    EXPECT_THROW(parse_quantity_k8s("lots", "q"), std::invalid_argument);
}

TEST(K8sInput, AnHpaWithEveryKindOfMetricAndABehavior) {
    auto h = parse_hpa(R"(
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 30
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
  - type: Pods
    pods: {metric: {name: http_requests_per_second}, target: {type: AverageValue, averageValue: 500m}}
  - type: Object
    object: {metric: {name: requests}, describedObject: {kind: Ingress, name: main}, target: {type: Value, value: 2k}}
  - type: External
    external: {metric: {name: queue_messages}, target: {type: AverageValue, averageValue: "30"}}
  behavior:
    scaleUp:
      tolerance: 50m
    scaleDown:
      stabilizationWindowSeconds: 600
      policies: [{type: Pods, value: 2, periodSeconds: 60}]
      selectPolicy: Min
)",
                       "hpa.yaml");
    EXPECT_EQ(h.name, "api");
    EXPECT_EQ(h.spec.min_replicas, 2);
    EXPECT_EQ(h.spec.max_replicas, 30);
    ASSERT_EQ(h.metrics.size(), 4u);
    EXPECT_EQ(h.metrics[0].name, "cpu");
    EXPECT_DOUBLE_EQ(h.metrics[0].value, 70);
    EXPECT_DOUBLE_EQ(h.metrics[1].value, 0.5);
    EXPECT_EQ(h.metrics[2].target, HpaMetricSource::Target::kValue);
    EXPECT_DOUBLE_EQ(h.metrics[2].value, 2000);
    EXPECT_EQ(h.metrics[3].kind, HpaMetricSource::Kind::kExternal);
    ASSERT_TRUE(h.spec.behavior);
    EXPECT_EQ(h.spec.behavior->scale_down.stabilization_window_seconds, 600);
    EXPECT_EQ(h.spec.behavior->scale_down.select, HpaRules::Select::kMin);
    ASSERT_EQ(h.spec.behavior->scale_down.policies.size(), 1u);
    EXPECT_EQ(h.spec.behavior->scale_down.policies[0].period_seconds, 60);
    // What was not written keeps Kubernetes' defaults: scale up by 100 % or 4 pods.
    EXPECT_EQ(h.spec.behavior->scale_up.policies.size(), 2u);
    EXPECT_DOUBLE_EQ(h.spec.tolerance_up, 0.05);
    EXPECT_DOUBLE_EQ(h.spec.tolerance_down, 0.1);
}

TEST(K8sInput, AnHpaWithoutMetricsTargetsEightyPercentCpu) {
    auto h = parse_hpa(
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
        "spec: {maxReplicas: 5}\n",
        "hpa.yaml");
    ASSERT_EQ(h.metrics.size(), 1u);
    EXPECT_DOUBLE_EQ(h.metrics[0].value, 80);
    EXPECT_EQ(h.spec.min_replicas, 1);
}

void expect_refused(const std::string& yaml, const char* says, bool keda = false) {
    try {
        if (keda)
            parse_keda(yaml, "m.yaml");
        else
            parse_hpa(yaml, "m.yaml");
        ADD_FAILURE() << yaml << " was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
}

TEST(K8sInput, BadManifestsAreRefusedNamingTheField) {
    const std::string head = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n";
    expect_refused("apiVersion: autoscaling/v2\nkind: Deployment\nspec: {}\n",
                   "kind must be HorizontalPodAutoscaler");
    expect_refused("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nspec: {}\n",
                   "apiVersion autoscaling/v1");
    expect_refused(head + "spec: {minReplicas: 3, maxReplicas: 2}\n", "spec.maxReplicas");
    expect_refused(head +
                       "spec: {maxReplicas: 2, metrics: [{type: Pods, pods: {metric: {name: x}, "
                       "target: {type: Utilization, averageUtilization: 5}}}]}\n",
                   "metrics[0].pods.target.type: Utilization is for Resource metrics");
    expect_refused(head +
                       "spec: {maxReplicas: 2, behavior: {scaleUp: {policies: [{type: Pods, "
                       "value: 0, periodSeconds: 15}]}}}\n",
                   "behavior.scaleUp.policies[0].value");
    const std::string keda = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\n";
    expect_refused(keda + "spec: {triggers: [{type: kafka, metadata: {}}]}\n",
                   "only rabbitmq triggers are simulated, not kafka", true);
    expect_refused(keda + "spec: {triggers: [{type: rabbitmq, metadata: {queueName: q}}]}\n",
                   "metadata.value: is required", true);
    expect_refused(keda +
                       "spec: {initialCooldownPeriod: -1, triggers: [{type: rabbitmq, "
                       "metadata: {queueName: q, value: '5'}}]}\n",
                   "spec.initialCooldownPeriod: must not be negative", true);
}

TEST(K8sInput, AScaledObjectsInitialCooldownIsRead) {
    const std::string keda = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\n";
    auto trigger = "triggers: [{type: rabbitmq, metadata: {queueName: q, value: '5'}}]";
    EXPECT_EQ(
        parse_keda(keda + "spec: {" + trigger + "}\n", "k.yaml").spec.initial_cooldown_seconds, 0);
    EXPECT_EQ(parse_keda(keda + "spec: {initialCooldownPeriod: 90, " + trigger + "}\n", "k.yaml")
                  .spec.initial_cooldown_seconds,
              90);
}

TEST(K8sInput, WhatTheExporterWritesReadsBack) {
    auto seed = parse_policy_file(test::kSeedPolicy, "seed.yaml");
    auto h = parse_hpa(export_kubernetes(seed, {"api", "q"}), "exported.yaml");
    EXPECT_EQ(h.spec.min_replicas, 25);
    EXPECT_EQ(h.spec.max_replicas, 100);
    ASSERT_EQ(h.metrics.size(), 2u);
    EXPECT_EQ(h.metrics[0].name, "cpu");
    EXPECT_DOUBLE_EQ(h.metrics[0].value, 70);
    EXPECT_EQ(h.metrics[1].name, "http_requests_per_minute");
    EXPECT_DOUBLE_EQ(h.metrics[1].value, 1000);
    EXPECT_EQ(h.spec.behavior->scale_down.stabilization_window_seconds, 600);

    auto worker = parse_policy_file(
        "Min Size: 0\nMax Size: 20\nTarget Queue Depth: 100\nScale In Cooldown: 120 seconds\n",
        "worker.yaml");
    auto k = parse_keda(export_kubernetes(worker, {"worker", "mindme.memory.changed"}), "k.yaml");
    EXPECT_EQ(k.queue, "mindme.memory.changed");
    EXPECT_DOUBLE_EQ(k.spec.value, 100);
    EXPECT_EQ(k.spec.min_replicas, 0);
    EXPECT_EQ(k.spec.max_replicas, 20);
    EXPECT_EQ(k.spec.cooldown_seconds, 120);
    EXPECT_EQ(k.spec.polling_seconds, 30);
}

}  // namespace
}  // namespace mindme::scale
