#include "app/health.hpp"

#include <gtest/gtest.h>

namespace mindme::app {
namespace {

TEST(HealthChecks, RequiredFailureOrDrainingMakesItUnhealthy) {
    core::Lifecycle lifecycle;
    HealthChecks checks;
    bool db_up = true;
    checks.add("db", [&] { return db_up ? std::string() : std::string("connection refused"); });
    checks.add(
        "cache", [] { return std::string("down"); }, /*required=*/false);
    auto ok = checks.run(lifecycle);
    EXPECT_TRUE(ok.healthy);
    EXPECT_EQ(ok.json, R"({"status":"ok","checks":{"db":"ok","cache":"down"}})");
    db_up = false;
    auto down = checks.run(lifecycle);
    EXPECT_FALSE(down.healthy);
    EXPECT_NE(down.json.find(R"("db":"connection refused")"), std::string::npos);
    db_up = true;
    lifecycle.begin_drain();
    auto draining = checks.run(lifecycle);
    EXPECT_FALSE(draining.healthy);
    EXPECT_NE(draining.json.find(R"("status":"unavailable","draining":true)"), std::string::npos);
}

TEST(HealthChecks, WritableDirectory) {
    EXPECT_EQ(writable_directory_check("/tmp")(), "");
    EXPECT_NE(writable_directory_check("/nonexistent/dir")(), "");
}

}  // namespace
}  // namespace mindme::app
