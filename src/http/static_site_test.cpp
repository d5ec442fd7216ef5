#include "http/static_site.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace mindme::http {
namespace {

namespace fs = std::filesystem;

class StaticSiteTest : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = fs::temp_directory_path() / ("mindme-static-" + std::to_string(::getpid()));
        fs::remove_all(base_);
        root_ = base_ / "site";
        fs::create_directories(root_ / "assets");
        write(root_ / "index.html", "<html>app</html>");
        write(root_ / "assets" / "main.3f2a9c1b.js", "console.log(1)");
        write(root_ / "app.js", std::string(1000, 'a'));
        write(root_ / "app.js.br", "brotli-bytes");
        write(root_ / "app.js.gz", "gzip-bytes");
        write(root_ / ".env", "SECRET=1");
        write(base_ / "secret.txt", "outside");
        fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
        fs::create_symlink("index.html", root_ / "alias.html");
        site_.emplace(root_.string());
    }
    void TearDown() override { fs::remove_all(base_); }

    static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

    Response get(std::string_view path,
                 std::vector<std::pair<std::string_view, std::string_view>> headers = {}) {
        Request r;
        r.method = "GET";
        r.path = path;
        for (const auto& h : headers) r.headers.push_back(h);
        return site_->serve(r);
    }

    static std::string content(const Response& r) {
        std::string out(r.file->length, '\0');
        auto n =
            ::pread(r.file->file->fd(), out.data(), out.size(), static_cast<off_t>(r.file->offset));
        out.resize(static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
        return out;
    }

    static core::ErrorCode error_of(const std::function<void()>& f) {
        try {
            f();
        } catch (const core::ApiError& e) {
            return e.code();
        }
        ADD_FAILURE() << "no error";
        return core::ErrorCode::kInternal;
    }

    fs::path base_, root_;
    std::optional<StaticSite> site_;
};

TEST_F(StaticSiteTest, IndexIsNotCachedAndAssetsWithAHashAreImmutable) {
    auto index = get("/");
    EXPECT_EQ(index.status, 200);
    EXPECT_EQ(content(index), "<html>app</html>");
    EXPECT_EQ(index.header("Cache-Control"), "no-cache");
    EXPECT_EQ(index.header("Content-Type"), "text/html; charset=utf-8");
    auto asset = get("/assets/main.3f2a9c1b.js");
    EXPECT_EQ(asset.header("Cache-Control"), "public, max-age=31536000, immutable");
    EXPECT_TRUE(asset.header("ETag"));
    EXPECT_TRUE(asset.header("Last-Modified"));
}

TEST_F(StaticSiteTest, ConditionalRequestsGet304) {
    auto first = get("/app.js");
    auto etag = std::string(*first.header("ETag"));
    auto again = get("/app.js", {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_FALSE(again.file);
    auto lm = std::string(*first.header("Last-Modified"));
    EXPECT_EQ(get("/app.js", {{"If-Modified-Since", lm}}).status, 304);
    EXPECT_EQ(get("/app.js", {{"If-None-Match", "\"other\""}}).status, 200);
}

TEST_F(StaticSiteTest, RangesGive206And416) {
    auto part = get("/app.js", {{"Range", "bytes=10-19"}});
    EXPECT_EQ(part.status, 206);
    EXPECT_EQ(part.header("Content-Range"), "bytes 10-19/1000");
    EXPECT_EQ(content(part), std::string(10, 'a'));
    auto bad = get("/app.js", {{"Range", "bytes=5000-"}});
    EXPECT_EQ(bad.status, 416);
    EXPECT_EQ(bad.header("Content-Range"), "bytes */1000");
    // If-Range with a stale validator: the whole file instead.
    auto stale = get("/app.js", {{"Range", "bytes=0-1"}, {"If-Range", "\"stale\""}});
    EXPECT_EQ(stale.status, 200);
}

TEST_F(StaticSiteTest, PrecompressedSiblingsFollowAcceptEncoding) {
    auto br = get("/app.js", {{"Accept-Encoding", "gzip, deflate, br"}});
    EXPECT_EQ(br.header("Content-Encoding"), "br");
    EXPECT_EQ(content(br), "brotli-bytes");
    EXPECT_EQ(br.header("Vary"), "Accept-Encoding");
    EXPECT_EQ(br.header("Content-Type"), "text/javascript; charset=utf-8");
    auto gz = get("/app.js", {{"Accept-Encoding", "gzip, br;q=0"}});
    EXPECT_EQ(gz.header("Content-Encoding"), "gzip");
    auto plain = get("/app.js");
    EXPECT_FALSE(plain.header("Content-Encoding"));
    EXPECT_EQ(plain.header("Vary"), "Accept-Encoding");
    EXPECT_NE(br.header("ETag"), plain.header("ETag"));
}

TEST_F(StaticSiteTest, SpaFallbackOnlyForExtensionlessPaths) {
    auto route = get("/settings/profile");
    EXPECT_EQ(route.status, 200);
    EXPECT_EQ(content(route), "<html>app</html>");
    EXPECT_EQ(error_of([&] { get("/missing.png"); }), core::ErrorCode::kNotFound);
}

TEST_F(StaticSiteTest, NoWayOutOfTheRoot) {
    EXPECT_EQ(error_of([&] { get("/../secret.txt"); }), core::ErrorCode::kBadRequest);
    EXPECT_EQ(error_of([&] { get("/%2e%2e/secret.txt"); }), core::ErrorCode::kBadRequest);
    EXPECT_EQ(error_of([&] { get("/assets/%2E%2E/%2E%2E/secret.txt"); }),
              core::ErrorCode::kBadRequest);
    EXPECT_EQ(error_of([&] { get("/index.html%00.png"); }), core::ErrorCode::kBadRequest);
    EXPECT_EQ(error_of([&] { get("/leak.txt"); }), core::ErrorCode::kNotFound);
    EXPECT_EQ(error_of([&] { get("/.env"); }), core::ErrorCode::kNotFound);
    // A relative symlink that stays inside is fine (absolute ones are refused).
    EXPECT_EQ(get("/alias.html").status, 200);
}

TEST_F(StaticSiteTest, OnlyGetAndHead) {
    Request r;
    r.method = "POST";
    r.path = "/index.html";
    auto res = site_->serve(r);
    EXPECT_EQ(res.status, 405);
    EXPECT_EQ(res.header("Allow"), "GET, HEAD");
}

TEST(StaticNames, FingerprintDetection) {
    EXPECT_TRUE(is_fingerprinted("main.3f2a9c1b.js"));
    EXPECT_TRUE(is_fingerprinted("app-5f3e2a1c8d.css"));
    EXPECT_TRUE(is_fingerprinted("index-BxQ3k9aZ.js"));
    EXPECT_FALSE(is_fingerprinted("main.dart.js"));
    EXPECT_FALSE(is_fingerprinted("flutter.js"));
    EXPECT_FALSE(is_fingerprinted("icons-material.css"));
    EXPECT_FALSE(is_fingerprinted("deadbeef"));
}

TEST(StaticNames, AcceptEncodingHonoursQZero) {
    EXPECT_TRUE(accepts_encoding("gzip, br", "br"));
    EXPECT_FALSE(accepts_encoding("gzip, br;q=0", "br"));
    EXPECT_FALSE(accepts_encoding("gzip, br;q=0.000", "br"));
    EXPECT_TRUE(accepts_encoding("br;q=0.5", "br"));
    EXPECT_FALSE(accepts_encoding("", "gzip"));
}

}  // namespace
}  // namespace mindme::http
