#pragma once
// From one policy file, the same policy for the engines that run it elsewhere
// (docs/scaling.md, "Exporters", has the mapping and what each cannot carry):
// - AWS: the parameters of `aws autoscaling create-auto-scaling-group`,
//   `put-scaling-policy` and `aws cloudwatch put-metric-alarm` for an EC2 group, and of
//   `aws application-autoscaling register-scalable-target` / `put-scaling-policy` (whose
//   target tracking has the policy's cooldowns), as one JSON document whose entries
//   each serve as `--cli-input-json`;
// - Terraform: the same EC2 group's policies and alarms as resources;
// - Kubernetes: an autoscaling/v2 HorizontalPodAutoscaler, or a KEDA ScaledObject when
//   the policy tracks queue depth.
#include <string>

#include "scale/policy_file.hpp"

namespace mindme::scale {

struct ExportOptions {
    std::string name = "mindme";                  // the group, deployment and policy name prefix
    std::string queue = "mindme.memory.changed";  // KEDA: the RabbitMQ queue to watch
};

std::string export_aws(const PolicyFile& policy, const ExportOptions& options);
std::string export_terraform(const PolicyFile& policy, const ExportOptions& options);
std::string export_kubernetes(const PolicyFile& policy, const ExportOptions& options);

}  // namespace mindme::scale
