#include "loadgen/stats.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "loadgen/report_html.hpp"

namespace mindme::loadgen {
namespace {

RunResult sample(std::uint64_t base) {
    RunResult r;
    r.step_names = {"list", "create"};
    r.steps.resize(2);
    for (std::uint64_t i = 1; i <= 50; ++i) r.steps[0].latency.record(base + i * 100);
    r.steps[0].count = 50;
    r.steps[1].latency.record(base + 9000);
    r.steps[1].count = 1;
    r.steps[1].error("status_5xx");
    r.steps[1].error("timeout");
    r.second(2).requests = 51;
    r.second(2).latency.record(base);
    r.second(2).users = 10;
    r.events = {3, 1, 40};
    r.seconds = 2.5;
    return r;
}

TEST(RunResult, MergesExactly) {
    auto a = sample(1000);
    auto b = sample(5000);
    auto merged = a;
    merged.merge(b);
    EXPECT_EQ(merged.steps[0].count, 100u);
    EXPECT_EQ(merged.steps[1].errors_by_kind.at("timeout"), 2u);
    EXPECT_EQ(merged.timeline.at(2).requests, 102u);
    EXPECT_EQ(merged.timeline.at(2).users, 20u);
    EXPECT_EQ(merged.events.received, 80u);
    auto all = merged.overall();
    EXPECT_EQ(all.count, 102u);
    EXPECT_EQ(all.errors, 4u);
    EXPECT_EQ(all.latency.max(), 14'000u);
    // Attempts include the two that got no answer.
    EXPECT_DOUBLE_EQ(all.error_rate(), 4.0 / 104.0);
}

TEST(RunResult, SerializesLosslessly) {
    auto r = sample(1234);
    auto back = deserialize(serialize(r));
    EXPECT_EQ(back.step_names, r.step_names);
    EXPECT_EQ(back.steps[0].latency, r.steps[0].latency);
    EXPECT_EQ(back.steps[1].errors_by_kind, r.steps[1].errors_by_kind);
    EXPECT_EQ(back.timeline.size(), r.timeline.size());
    EXPECT_EQ(back.timeline[2].latency, r.timeline[2].latency);
    EXPECT_EQ(back.events.failed, 1u);
    EXPECT_DOUBLE_EQ(back.seconds, 2.5);
    EXPECT_THROW(deserialize("{\"names\":[]}"), std::runtime_error);
    EXPECT_THROW(deserialize("not json"), std::runtime_error);
}

TEST(RunResult, JsonHasOverallAndPerStepFieldsInMilliseconds) {
    auto r = sample(0);
    auto json = boost::json::parse(result_json(r)).as_object();
    for (auto key : {"count", "errors", "rps", "p50", "p90", "p99", "p999", "max", "steps",
                     "timeline", "errors_by_kind"})
        EXPECT_TRUE(json.contains(key)) << key;
    EXPECT_EQ(json.at("count").to_number<std::uint64_t>(), 51u);
    EXPECT_DOUBLE_EQ(json.at("max").to_number<double>(), 9.0);
    const auto& create = json.at("steps").at("create").as_object();
    EXPECT_EQ(create.at("errors").to_number<std::uint64_t>(), 2u);
    EXPECT_DOUBLE_EQ(create.at("rps").to_number<double>(), 1 / 2.5);
    EXPECT_EQ(json.at("timeline").as_array().size(), 3u);
}

TEST(HtmlReport, IsSelfContainedWithChartsAndVerdicts) {
    auto r = sample(0);
    Threshold t;
    t.text = "p99<1ms";
    auto html = html_report(r, "test <run>", {{t, Verdict{false, 2.0}}});
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_NE(html.find("test &lt;run&gt;"), std::string::npos);
    EXPECT_NE(html.find("BREACHED"), std::string::npos);
    EXPECT_NE(html.find("Events received"), std::string::npos);
    EXPECT_EQ(html.find("<script src"), std::string::npos);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace mindme::loadgen
