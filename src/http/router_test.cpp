#include "http/router.hpp"

#include <gtest/gtest.h>

#include "core/await_now.hpp"

namespace mindme::http {
namespace {

Response run(const Router& router, Request& req) { return core::await_now(router.dispatch(req)); }

Handler echo(std::string name) {
    return [name](Request& r) -> boost::asio::awaitable<Response> {
        std::string body = name;
        for (const auto& [k, v] : r.params) body += " " + k + "=" + v;
        co_return Response::json(200, body);
    };
}

Request request(std::string_view method, std::string_view path) {
    Request r;
    r.method = method;
    r.path = path;
    return r;
}

TEST(Router, MatchesLiteralsAndDecodesParameters) {
    Router router;
    router.add("GET", "/v1/memories", echo("list"));
    router.add("GET", "/v1/memories/{id}", echo("one"));
    auto r1 = request("GET", "/v1/memories");
    EXPECT_EQ(run(router, r1).body, "list");
    auto r2 = request("GET", "/v1/memories/a%20b");
    EXPECT_EQ(run(router, r2).body, "one id=a b");
    EXPECT_EQ(r2.route->label, "/v1/memories/{id}");
}

TEST(Router, WrongMethodIs405WithAllow) {
    Router router;
    router.add("GET", "/v1/things", echo("get"));
    router.add("POST", "/v1/things", echo("post"));
    auto r = request("DELETE", "/v1/things");
    auto res = run(router, r);
    EXPECT_EQ(res.status, 405);
    EXPECT_EQ(res.header("Allow"), "GET, POST, HEAD");
}

TEST(Router, HeadIsServedByGet) {
    Router router;
    router.add("GET", "/x", echo("x"));
    auto r = request("HEAD", "/x");
    EXPECT_EQ(run(router, r).status, 200);
}

TEST(Router, UnknownPathsAre404AndReservedOnesSkipTheFallback) {
    Router router;
    router.add("GET", "/health", echo("h"));
    router.set_fallback(echo("static"), {"/v1/", "/health"});
    auto api = request("GET", "/v1/nope");
    auto res = run(router, api);
    EXPECT_EQ(res.status, 404);
    EXPECT_NE(res.body.find("\"not_found\""), std::string::npos);
    auto page = request("GET", "/about");
    EXPECT_EQ(run(router, page).body, "static");
    auto near = request("GET", "/healthy");
    EXPECT_EQ(run(router, near).body, "static");
}

TEST(Router, EmptyParameterDoesNotMatch) {
    Router router;
    router.add("GET", "/v1/m/{id}", echo("one"));
    auto r = request("GET", "/v1/m/");
    EXPECT_EQ(run(router, r).status, 404);
}

TEST(Router, MalformedEscapeIsBadRequest) {
    Router router;
    router.add("GET", "/v1/m/{id}", echo("one"));
    auto r = request("GET", "/v1/m/%zz");
    EXPECT_THROW(run(router, r), core::ApiError);
}

}  // namespace
}  // namespace mindme::http
