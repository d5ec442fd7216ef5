#include "loadgen/scenario.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "loadgen/json_path.hpp"

namespace mindme::loadgen {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, UnitsAndRefusals) {
    EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
    EXPECT_EQ(parse_duration("30s"), milliseconds(30'000));
    EXPECT_EQ(parse_duration("1.5s"), milliseconds(1500));
    EXPECT_EQ(parse_duration("2m"), milliseconds(120'000));
    EXPECT_EQ(parse_duration("1h"), milliseconds(3'600'000));
    EXPECT_EQ(parse_duration("10"), milliseconds(10'000));
    for (auto bad : {"", "s", "soon", "-1s", "0s", "5d", "1e9h"})
        EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(Template, FillsInAndEscapesByPlace) {
    Variables v;
    v.set("id", "a b/c");
    v.set("q", "say \"hi\"\n");
    std::string out;
    EXPECT_FALSE(Template::parse("/v1/memories/{{id}}", Escape::url).render(v, out));
    EXPECT_EQ(out, "/v1/memories/a%20b%2Fc");
    out.clear();
    EXPECT_FALSE(Template::parse(R"({"t":"{{ q }}"})", Escape::json_string).render(v, out));
    EXPECT_EQ(out, R"({"t":"say \"hi\"\u000a"})");
    out.clear();
    EXPECT_EQ(Template::parse("x{{missing}}", Escape::none).render(v, out), "missing");
    EXPECT_TRUE(Template::parse("/plain", Escape::url).constant());
    for (auto bad : {"{{", "{{}}", "{{a-b}}", "x{{y"})
        EXPECT_THROW(Template::parse(bad, Escape::none), std::invalid_argument) << bad;
}

TEST(JsonPath, MembersIndexesAndMissingValues) {
    auto doc = boost::json::parse(
        R"({"items":[{"id":"m1","n":3},{"id":"m2"}],"next_cursor":null,"ok":true})");
    EXPECT_EQ(json_path_value(doc, "$.items[1].id"), "m2");
    EXPECT_EQ(json_path_value(doc, "$.items[0].n"), "3");
    EXPECT_EQ(json_path_value(doc, "$.ok"), "true");
    EXPECT_FALSE(json_path_value(doc, "$.next_cursor"));
    EXPECT_FALSE(json_path_value(doc, "$.items[2].id"));
    EXPECT_FALSE(json_path_value(doc, "$.nothing.here"));
    for (auto bad : {"", "items", "$.", "$.a[", "$.a[x]", "$.a[]", "$x"})
        EXPECT_FALSE(valid_json_path(bad)) << bad;
    EXPECT_TRUE(valid_json_path("$.items[0].id"));
}

constexpr const char* kJourney = R"(
name: day
headers:
  Authorization: "Bearer {{token}}"
variables:
  password: secret words
pause: {exponential: 200s}
pause_first: true
events: 0.25
stages:
  - {duration: 10s, users: 100}
  - {duration: 20s, users: 100}
thresholds: ["p99<50ms", "create:p99<100ms"]
journey:
  - name: list
    get: /v1/memories?limit=20
    check: {status: 200}
    capture: {memory_id: "$.items[0].id"}
  - think: {uniform: [1s, 3s]}
  - branch:
      - weight: 3
        steps:
          - name: read
            get: /v1/memories/{{memory_id}}
            when: memory_id
          - name: read
            get: /v1/memories?limit=1
            unless: memory_id
      - weight: 1
        steps:
          - name: create
            post: /v1/memories
            json: {title: "note {{iteration}}", body: "{{word}}", tags: [a, "7"], n: 7}
            check: {status: [201]}
            capture: {created: "header:Location"}
  - get: /v1/search?q={{word}}
)";

TEST(Scenario, ParsesAJourney) {
    auto sc = parse_scenario(kJourney, "day.yaml", ".");
    EXPECT_EQ(sc.name, "day");
    EXPECT_FALSE(sc.open_model);
    ASSERT_EQ(sc.stages.size(), 2u);
    EXPECT_EQ(sc.length(), std::chrono::seconds(30));
    EXPECT_DOUBLE_EQ(sc.target_at(std::chrono::seconds(5)), 50);
    EXPECT_DOUBLE_EQ(sc.target_at(std::chrono::seconds(25)), 100);
    EXPECT_DOUBLE_EQ(sc.events_share, 0.25);
    EXPECT_TRUE(sc.needs_accounts);
    EXPECT_EQ(sc.pause.kind, Think::Kind::exponential);
    EXPECT_EQ(sc.thresholds.size(), 2u);
    EXPECT_EQ(sc.step_names,
              (std::vector<std::string>{"list", "read", "create", "GET /v1/search?q={{word}}"}));
    ASSERT_EQ(sc.journey.size(), 4u);
    EXPECT_EQ(sc.journey[0].captures.at(0).json_path, "$.items[0].id");
    EXPECT_EQ(sc.journey[0].captures.at(0).header, "");
    EXPECT_EQ(sc.journey[1].think.kind, Think::Kind::uniform);
    const auto& create = sc.journey[2].branches.at(1).steps.at(0);
    EXPECT_EQ(create.method, "POST");
    EXPECT_EQ(create.content_type, "application/json");
    EXPECT_EQ(create.check.statuses, std::vector<int>{201});
    // YAML's types carry into the JSON body: numbers stay numbers, quoted text text.
    Variables v;
    v.set("iteration", "4");
    v.set("word", "river");
    std::string body;
    EXPECT_FALSE(create.body.render(v, body));
    EXPECT_EQ(boost::json::parse(body),
              boost::json::parse(R"({"title":"note 4","body":"river","tags":["a","7"],"n":7})"));
    EXPECT_EQ(sc.journey[2].branches.at(0).steps.at(0).when, "memory_id");
    // One name, one line of statistics, for both ways of reading.
    EXPECT_EQ(sc.journey[2].branches.at(0).steps.at(1).unless, "memory_id");
    EXPECT_EQ(sc.journey[2].branches.at(0).steps.at(1).id,
              sc.journey[2].branches.at(0).steps.at(0).id);
    EXPECT_TRUE(sc.pause_first);
}

TEST(Scenario, ThinkTimesStayInTheirBounds) {
    std::mt19937_64 random(7);
    Think u{Think::Kind::uniform, std::chrono::seconds(1), std::chrono::seconds(3)};
    Think e{Think::Kind::exponential, std::chrono::seconds(2), {}};
    double sum = 0;
    for (int i = 0; i < 20'000; ++i) {
        auto d = u.sample(random);
        EXPECT_GE(d, std::chrono::seconds(1));
        EXPECT_LE(d, std::chrono::seconds(3));
        auto x = e.sample(random);
        EXPECT_LE(x, std::chrono::seconds(40));  // capped at 20 means
        sum += static_cast<double>(x.count());
    }
    EXPECT_NEAR(sum / 20'000 / 1e6, 2.0, 0.1);  // the mean it was given
}

TEST(Scenario, MistakesAreReportedWithTheirLine) {
    auto error_of = [](const std::string& yaml) {
        try {
            parse_scenario(yaml, "s.yaml", ".");
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(error_of("journey:\n  - get: /a\n    jsn: {}\n").find("s.yaml:3: unknown key 'jsn'"),
              std::string::npos);
    EXPECT_NE(error_of("journey:\n  - get: /v1/{{nope}}\n").find("s.yaml:2: {{nope}}"),
              std::string::npos);
    EXPECT_NE(error_of("journey:\n  - think: soon\n").find("s.yaml:2"), std::string::npos);
    EXPECT_NE(error_of("journey:\n  - get: a\n").find("starts with /"), std::string::npos);
    EXPECT_NE(error_of("journey:\n  - get: /a\n    post: /b\n").find("exactly one"),
              std::string::npos);
    EXPECT_NE(error_of("journey:\n  - get: /a\n    capture: {x: items}\n").find("capture"),
              std::string::npos);
    EXPECT_NE(error_of("stages: [{duration: 1s, users: 1}, {duration: 1s, rate: 5}]\n"
                       "journey: [{get: /a}]\n")
                  .find("not both"),
              std::string::npos);
    EXPECT_NE(error_of("journey: [{get: /a}]\nevents: 2\n").find("events"), std::string::npos);
    EXPECT_NE(error_of("journey: [").find("s.yaml:"), std::string::npos);
    EXPECT_NE(error_of("name: x\n").find("no journey"), std::string::npos);
    EXPECT_NE(error_of("journey:\n  - get: /a\n    body_file: nowhere.png\n").find("nowhere.png"),
              std::string::npos);
}

TEST(Scenario, UrlScenarioAndCommandLineStages) {
    auto sc = url_scenario("GET", "http://127.0.0.1:8080/v1/ping?x={y}");
    EXPECT_EQ(sc.base_url, "http://127.0.0.1:8080");
    EXPECT_EQ(sc.journey.at(0).path.text(), "/v1/ping?x={y}");
    EXPECT_EQ(url_scenario("GET", "http://127.0.0.1:8080").journey.at(0).path.text(), "/");
    auto stages = ramp_hold_down(100, std::chrono::seconds(10), std::chrono::seconds(20),
                                 std::chrono::seconds(5));
    sc.stages = stages;
    EXPECT_EQ(sc.length(), std::chrono::seconds(35));
    EXPECT_DOUBLE_EQ(sc.target_at(std::chrono::seconds(5)), 50);
    EXPECT_DOUBLE_EQ(sc.target_at(std::chrono::seconds(15)), 100);
    EXPECT_DOUBLE_EQ(sc.target_at(std::chrono::milliseconds(32'500)), 50);
    sc.stages = ramp_hold_down(10, {}, std::chrono::seconds(1), {});
    EXPECT_DOUBLE_EQ(sc.target_at(std::chrono::microseconds(1)), 10);
}

}  // namespace
}  // namespace mindme::loadgen
