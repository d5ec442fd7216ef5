// The live alarms: a period's metrics from two samples, M of N evaluation, the
// configuration, and what /metrics shows.
#include "app/live_alarms.hpp"

#include <gtest/gtest.h>

#include "core/config.hpp"
#include "metrics/registry.hpp"

namespace mindme::app {
namespace {

TEST(LiveAlarms, APeriodsMetricsComeFromTwoSamples) {
    ServerSample a{100, 10, 0, 1000, 10, 50};
    ServerSample b{130, 25, 512, 1600, 40, 80};  // 30 s later
    auto m = metrics_between(a, b, 2, 1024);
    EXPECT_DOUBLE_EQ(m.cpu_percent, 100 * 15.0 / (30 * 2));
    EXPECT_DOUBLE_EQ(m.memory_percent, 50);
    EXPECT_DOUBLE_EQ(m.requests_per_minute, 1200);
    EXPECT_DOUBLE_EQ(*m.error_rate_percent, 5);
    EXPECT_DOUBLE_EQ(*m.response_time_seconds, 30.0 / 600);
    auto quiet = metrics_between(b, ServerSample{160, 25, 512, 1600, 40, 80}, 2, 1024);
    EXPECT_DOUBLE_EQ(quiet.requests_per_minute, 0);
    EXPECT_FALSE(quiet.error_rate_percent);
    EXPECT_FALSE(quiet.response_time_seconds);
}

struct Fixture {
    core::ConfigSchema schema;
    std::unique_ptr<core::Config> config;
    metrics::Registry registry;
    Fixture(std::initializer_list<std::pair<const char*, const char*>> sets) {
        declare_alarms_config(schema);
        config = std::make_unique<core::Config>(schema);
        for (const auto& [key, value] : sets) config->set_text(key, value, "test");
    }
};

scale::AlarmState state_of(const LiveAlarms& alarms, const std::string& name) {
    for (const auto& [n, s] : alarms.states())
        if (n == name) return s;
    ADD_FAILURE() << "no alarm " << name;
    return scale::AlarmState::kInsufficientData;
}

TEST(LiveAlarms, TheSeedsFiveAlarmsAreOnByDefault) {
    Fixture f({});
    LiveAlarms alarms(*f.config, f.registry);
    auto states = alarms.states();
    ASSERT_EQ(states.size(), 5u);
    for (const auto& [name, state] : states)
        EXPECT_EQ(state, scale::AlarmState::kInsufficientData) << name;
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
    EXPECT_EQ(state_of(alarms, "cpu_high"), scale::AlarmState::kOk);
    alarms.evaluate(20, cool);
    EXPECT_EQ(state_of(alarms, "cpu_high"), scale::AlarmState::kOk);
    alarms.evaluate(30, hot);  // 2 of the last 3
    EXPECT_EQ(state_of(alarms, "cpu_high"), scale::AlarmState::kAlarm);
    auto text = f.registry.render();
    EXPECT_NE(text.find("alarm_state{alarm=\"cpu_high\",state=\"ALARM\"} 1"), std::string::npos)
        << text;
    EXPECT_NE(text.find("alarm_state{alarm=\"cpu_high\",state=\"OK\"} 0"), std::string::npos);
    alarms.evaluate(40, cool);  // hot, cool, cool... only 1 of 3 left
    alarms.evaluate(50, cool);
    EXPECT_EQ(state_of(alarms, "cpu_high"), scale::AlarmState::kOk);
    // No requests at all: the error-rate and response-time alarms are not breaching.
    EXPECT_EQ(state_of(alarms, "error_rate_high"), scale::AlarmState::kOk);
    EXPECT_EQ(state_of(alarms, "response_time_high"), scale::AlarmState::kOk);
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

TEST(LiveAlarms, TheServerSampleSumsTheHttpFamilies) {
    metrics::Registry registry;
    auto& requests =
        registry.counter_family("http_requests_total", "h", {"route", "method", "status"});
    requests.with({"/a", "GET", "200"}).inc(7);
    requests.with({"/a", "GET", "503"}).inc(2);
    requests.with({"/b", "POST", "500"}).inc(1);
    auto& durations = registry.histogram_family("http_request_duration_seconds", "h", {"route"});
    durations.with({"/a"}).observe(0.5);
    durations.with({"/b"}).observe(1.5);
    auto s = sample_server(registry);
    EXPECT_DOUBLE_EQ(s.requests, 10);
    EXPECT_DOUBLE_EQ(s.server_errors, 3);
    EXPECT_DOUBLE_EQ(s.duration_sum, 2);
    EXPECT_GT(s.resident_bytes, 0);
}

}  // namespace
}  // namespace mindme::app
