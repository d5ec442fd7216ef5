#pragma once
// Kubernetes manifests as the engine's inputs, as users write them: an autoscaling/v2
// HorizontalPodAutoscaler (minReplicas, maxReplicas, metrics of type Resource, Pods,
// Object and External with Utilization, AverageValue or Value targets, behavior) and a
// KEDA ScaledObject with a rabbitmq trigger (mode, value, activationValue, queueName;
// minReplicaCount, maxReplicaCount, pollingInterval, cooldownPeriod, initialCooldownPeriod,
// advanced.horizontalPodAutoscalerConfig.behavior). Quantities take Kubernetes' suffixes
// (500m, 2k, 1Ki). Errors (std::invalid_argument) name the file and the field.
#include <string>
#include <vector>

#include "scale/hpa.hpp"
#include "scale/keda.hpp"

namespace mindme::scale {

struct HpaMetricSource {
    enum class Target { kUtilization, kAverageValue, kValue };
    enum class Kind { kResource, kPods, kObject, kExternal };
    Kind kind = Kind::kResource;
    std::string name;  // the resource (cpu, memory) or the metric: its rows in a trace
    Target target = Target::kUtilization;
    double value = 0;  // percent, or the quantity
};

struct HpaManifest {
    std::string name;
    HpaSpec spec;
    std::vector<HpaMetricSource> metrics;
};

struct KedaManifest {
    std::string name;
    KedaSpec spec;
    std::string queue;  // queueName: its rows in a trace
};

// "500m" → 0.5, "2k" → 2000, "1Ki" → 1024, "1.5" → 1.5.
double parse_quantity_k8s(const std::string& text, const std::string& where);

HpaManifest parse_hpa(const std::string& text, const std::string& origin);
KedaManifest parse_keda(const std::string& text, const std::string& origin);

}  // namespace mindme::scale
