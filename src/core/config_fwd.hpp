#pragma once
// For headers that only name the configuration types.
namespace mindme::core {
class Config;
class ConfigSchema;
}  // namespace mindme::core
