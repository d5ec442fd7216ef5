#include "http/response_head.hpp"

#include <gtest/gtest.h>

namespace mindme::http {
namespace {

TEST(ResponseHead, WritesStatusHeadersLengthAndConnection) {
    auto r = Response::json(200, "{}");
    std::string out;
    append_response_head(out, r, {11, true, "Sun, 06 Nov 1994 08:49:37 GMT", "rid", 2});
    EXPECT_EQ(out,
              "HTTP/1.1 200 OK\r\nServer: mindme\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
              "Content-Type: application/json\r\nX-Request-Id: rid\r\nContent-Length: 2\r\n\r\n");
    out.clear();
    append_response_head(out, r, {11, false, "d", "rid", 2});
    EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
    out.clear();
    append_response_head(out, r, {10, true, "d", "rid", 2});
    EXPECT_TRUE(out.starts_with("HTTP/1.0 200 OK\r\n"));
    EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos);
}

TEST(ResponseHead, NoLengthFor304And204) {
    Response r;
    r.status = 304;
    std::string out;
    append_response_head(out, r, {11, true, "d", "rid", 99});
    EXPECT_EQ(out.find("Content-Length"), std::string::npos);
    EXPECT_TRUE(out.starts_with("HTTP/1.1 304 Not Modified\r\n"));
}

TEST(ResponseHead, LineBreaksCannotInjectHeaders) {
    Response r;
    r.set_header("X-Evil", "a\r\nSet-Cookie: x=1");
    std::string out;
    append_response_head(out, r, {11, true, "d", "id\r\nX: y", 0});
    EXPECT_EQ(out.find("\r\nSet-Cookie"), std::string::npos);
    EXPECT_EQ(out.find("\r\nX: y"), std::string::npos);
}

}  // namespace
}  // namespace mindme::http
