#include "app/openapi.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace mindme::app {
namespace {

TEST(OpenApi, EveryRouteAppearsWithItsMethod) {
    http::Router router;
    auto h = [](http::Request&) -> boost::asio::awaitable<http::Response> {
        co_return http::Response{};
    };
    router.add("GET", "/v1/things/{id}", h,
               R"({"summary":"one thing","responses":{"200":{"description":"ok"}}})");
    router.add("DELETE", "/v1/things/{id}", h);
    auto doc = boost::json::parse(build_openapi(router, "1.2.3")).as_object();
    EXPECT_EQ(doc["openapi"].as_string(), "3.0.3");
    EXPECT_EQ(doc["info"].as_object()["version"].as_string(), "1.2.3");
    auto& item = doc["paths"].as_object()["/v1/things/{id}"].as_object();
    EXPECT_EQ(item["get"].as_object()["summary"].as_string(), "one thing");
    EXPECT_TRUE(item["delete"].is_object());
    EXPECT_TRUE(item["get"].as_object()["responses"].as_object().contains("429"));
    EXPECT_TRUE(doc["components"].as_object()["schemas"].as_object().contains("Error"));
}

TEST(OpenApi, MalformedOperationIsAProgrammingError) {
    http::Router router;
    router.add(
        "GET", "/x",
        [](http::Request&) -> boost::asio::awaitable<http::Response> {
            co_return http::Response{};
        },
        "{oops");
    EXPECT_THROW(build_openapi(router, "1"), std::logic_error);
}

}  // namespace
}  // namespace mindme::app
