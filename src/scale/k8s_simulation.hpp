#pragma once
// Replays a metric trace (scale/simulation.hpp's CSV) through a HorizontalPodAutoscaler
// or a KEDA ScaledObject: the HPA reconciles every sync period (15 s), KEDA polls every
// pollingInterval; pods take `start_seconds` to become ready (unready pods count as the
// HPA's rules say). Each reconcile or poll writes `t_seconds,desired,in_service,warming`
// (in service: ready pods; warming: pods starting). Trace rows are read by the resource
// name (cpu, memory: utilization in %), the metric's name (Pods, Object, External), or
// the queue's name (KEDA); a metric without a row yet has failed.
#include <cstdint>
#include <string>
#include <vector>

#include "scale/k8s_input.hpp"
#include "scale/simulation.hpp"

namespace mindme::scale {

struct PodOptions {
    int initial_replicas = 0;  // 0: the manifest's minimum (KEDA: at least 1)
    std::int64_t start_seconds = 0;
    std::int64_t sync_seconds = 15;  // the HPA controller's --horizontal-pod-autoscaler-sync-period
};

std::string simulate_hpa(const HpaManifest& hpa, const std::vector<TracePoint>& trace,
                         const PodOptions& options);
std::string simulate_keda(const KedaManifest& keda, const std::vector<TracePoint>& trace,
                          const PodOptions& options);

}  // namespace mindme::scale
