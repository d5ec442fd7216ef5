#include "loadgen/http_load.hpp"

#include <gtest/gtest.h>

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

TEST(HttpLoad, RefusesBadOrRemoteTargets) {
    HttpLoadOptions o;
    o.duration = milliseconds(10);
    for (auto url : {"ftp://127.0.0.1/", "not a url", "http://192.0.2.1/", "http://example.com/"}) {
        o.url = url;
        EXPECT_THROW(run_http_load(o), std::invalid_argument) << url;
    }
}

TEST(HttpLoad, ResultJsonHasTheFieldsInMilliseconds) {
    HttpLoadResult r;
    r.latency.record(1500);
    r.latency.record(2500);
    r.count = 2;
    r.seconds = 1;
    auto json = result_json(r);
    for (auto key : {"\"count\":2", "\"errors\":0", "\"rps\":", "\"p50\":1.5", "\"max\":2.5"})
        EXPECT_NE(json.find(key), std::string::npos) << key << " in " << json;
}

}  // namespace
}  // namespace mindme::loadgen
