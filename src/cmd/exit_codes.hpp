#pragma once
// Exit codes of every `mindme` command (a breached load-test threshold: kExitThresholds
// in loadgen/thresholds.hpp).
namespace mindme::cmd {

inline constexpr int kExitFailure = 1;  // the command ran and failed
inline constexpr int kExitUsage = 2;    // bad arguments or configuration: nothing was done

}  // namespace mindme::cmd
