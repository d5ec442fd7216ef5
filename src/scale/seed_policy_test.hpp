#pragma once
// The seed's "Auto Scaling Group Settings" block, its triggers and its alarms, verbatim
// (../shared/seeds/002): the policy file the scale tests read.
namespace mindme::scale::test {

inline constexpr const char* kSeedPolicy = R"(Min Size: 25
Max Size: 100
Desired Capacity: 50
Target CPU Utilization: 70%
Target Requests per Instance: 1,000/minute
Scale Out Cooldown: 300 seconds
Scale In Cooldown: 600 seconds
Auto Scaling Triggers:
  Scale Out: CPU > 70% for 2 consecutive periods
  Scale In: CPU < 30% for 5 consecutive periods
  Emergency Scale Out: Request Count > 75,000/minute
CloudWatch Metrics:
  - CPU Utilization > 80%
  - Memory Utilization > 85%
  - Request Count > 50,000/minute
  - Error Rate > 5%
  - Response Time > 2 seconds
)";

}  // namespace mindme::scale::test
