// The live alarms: M of N evaluation, the configuration, and what /metrics shows.
#include "metrics/live_alarms.hpp"

#include <gtest/gtest.h>

#include "core/config.hpp"
#include "metrics/registry.hpp"

namespace mindme::metrics {
namespace {

struct Fixture {
    core::ConfigSchema schema;
    std::unique_ptr<core::Config> config;
    Registry registry;
    Fixture(std::initializer_list<std::pair<const char*, const char*>> sets) {
        declare_alarms_config(schema);
        config = std::make_unique<core::Config>(schema);
        for (const auto& [key, value] : sets) config->set_text(key, value, "test");
    }
};

AlarmState state_of(const LiveAlarms& alarms, const std::string& name) {
    for (const auto& [n, s] : alarms.states())
        if (n == name) return s;
    ADD_FAILURE() << "no alarm " << name;
    return AlarmState::kInsufficientData;
}

TEST(LiveAlarms, TheSeedsFiveAlarmsAreOnByDefault) {
    Fixture f({});
    LiveAlarms alarms(*f.config, f.registry);
    auto states = alarms.states();
    ASSERT_EQ(states.size(), 5u);
    for (const auto& [name, state] : states)
        EXPECT_EQ(state, AlarmState::kInsufficientData) << name;
    auto text = f.registry.render();
    EXPECT_NE(text.find("alarm_threshold{alarm=\"requests_high\"} 50000"), std::string::npos)
        << text;
    EXPECT_NE(text.find("alarm_threshold{alarm=\"response_time_high\"} 2"), std::string::npos);
}

TEST(LiveAlarms, MOfNPeriodsSetAnAlarmOffAndAQuietPeriodDoesNotBreach) {
    Fixture f({{"alarms.period_seconds", "10"},
               {"alarms.evaluation_periods", "3"},
               {"alarms.datapoints_to_alarm", "2"},
               {"alarms.cpu_percent", "50"}});
    LiveAlarms alarms(*f.config, f.registry);
    ServerMetrics hot;
    hot.cpu_percent = 90;
    ServerMetrics cool;
    cool.cpu_percent = 10;
    alarms.evaluate(10, hot);  // 1 of 3 breaching
    EXPECT_EQ(state_of(alarms, "cpu_high"), AlarmState::kOk);
    alarms.evaluate(20, cool);
    EXPECT_EQ(state_of(alarms, "cpu_high"), AlarmState::kOk);
    alarms.evaluate(30, hot);  // 2 of the last 3
    EXPECT_EQ(state_of(alarms, "cpu_high"), AlarmState::kAlarm);
    auto text = f.registry.render();
    EXPECT_NE(text.find("alarm_state{alarm=\"cpu_high\",state=\"ALARM\"} 1"), std::string::npos)
        << text;
    EXPECT_NE(text.find("alarm_state{alarm=\"cpu_high\",state=\"OK\"} 0"), std::string::npos);
    alarms.evaluate(40, cool);  // hot, cool, cool... only 1 of 3 left
    alarms.evaluate(50, cool);
    EXPECT_EQ(state_of(alarms, "cpu_high"), AlarmState::kOk);
    // No requests at all: the error-rate and response-time alarms are not breaching.
    EXPECT_EQ(state_of(alarms, "error_rate_high"), AlarmState::kOk);
    EXPECT_EQ(state_of(alarms, "response_time_high"), AlarmState::kOk);
}

TEST(LiveAlarms, AZeroThresholdTurnsAnAlarmOffAndBadMOfNIsRefused) {
    Fixture off({{"alarms.memory_percent", "0"}});
    LiveAlarms alarms(*off.config, off.registry);
    EXPECT_EQ(alarms.states().size(), 4u);
    Fixture none({{"alarms.enabled", "false"}});
    LiveAlarms disabled(*none.config, none.registry);
    EXPECT_TRUE(disabled.states().empty());
    EXPECT_EQ(none.registry.render().find("alarm_state"), std::string::npos);
    Fixture bad({{"alarms.evaluation_periods", "2"}, {"alarms.datapoints_to_alarm", "3"}});
    EXPECT_THROW(LiveAlarms(*bad.config, bad.registry), core::ConfigError);
}

}  // namespace
}  // namespace mindme::metrics
