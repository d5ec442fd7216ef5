#include "app/health.hpp"

#include <gtest/gtest.h>

#include "core/await_now.hpp"

namespace mindme::app {
namespace {

using core::await_now;

HealthChecks::Check constant(const std::string& answer) {
    return [answer]() -> boost::asio::awaitable<std::string> { co_return answer; };
}

TEST(HealthChecks, RequiredFailureOrDrainingMakesItUnhealthy) {
    core::Lifecycle lifecycle;
    HealthChecks checks;
    bool db_up = true;
    checks.add("db", [&]() -> boost::asio::awaitable<std::string> {
        co_return db_up ? std::string() : std::string("connection refused");
    });
    checks.add("cache", constant("down"), /*required=*/false);
    auto ok = await_now(checks.run(lifecycle));
    EXPECT_TRUE(ok.healthy);
    EXPECT_EQ(ok.json, R"({"status":"ok","checks":{"db":"ok","cache":"down"}})");
    db_up = false;
    auto down = await_now(checks.run(lifecycle));
    EXPECT_FALSE(down.healthy);
    EXPECT_NE(down.json.find(R"("db":"connection refused")"), std::string::npos);
    db_up = true;
    lifecycle.begin_drain();
    auto draining = await_now(checks.run(lifecycle));
    EXPECT_FALSE(draining.healthy);
    EXPECT_NE(draining.json.find(R"("status":"unavailable","draining":true)"), std::string::npos);
}

TEST(HealthChecks, AThrowingCheckIsUnhealthyNotACrash) {
    core::Lifecycle lifecycle;
    HealthChecks checks;
    checks.add("db", []() -> boost::asio::awaitable<std::string> {
        throw std::runtime_error("boom");
        co_return std::string();
    });
    auto report = await_now(checks.run(lifecycle));
    EXPECT_FALSE(report.healthy);
    EXPECT_NE(report.json.find(R"("db":"boom")"), std::string::npos);
}

TEST(HealthChecks, WritableDirectory) {
    EXPECT_EQ(await_now(writable_directory_check("/tmp")()), "");
    EXPECT_NE(await_now(writable_directory_check("/nonexistent/dir")()), "");
}

}  // namespace
}  // namespace mindme::app
