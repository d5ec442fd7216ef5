#pragma once
// For headers that only name the metrics registry.
namespace mindme::metrics {
class Registry;
}  // namespace mindme::metrics
