#include "upstream/http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "core/await_now.hpp"
#include "metrics/registry.hpp"
#include "upstream/stand_in_server.hpp"
#include "upstream/test_certificates.hpp"

namespace mindme::upstream {
namespace {

using core::await_now;
using std::chrono::milliseconds;
using testing::Received;
using testing::Reply;
using testing::StandInServer;

ClientOptions quick_options() {
    ClientOptions o;
    o.backoff_base = milliseconds(10);
    o.backoff_cap = milliseconds(5000);
    o.connect_timeout = milliseconds(2000);
    o.first_byte_timeout = milliseconds(2000);
    o.total_timeout = milliseconds(5000);
    return o;
}

CallOptions call(const char* upstream = "test") {
    CallOptions o;
    o.upstream = upstream;
    o.deadline = Clock::now() + std::chrono::seconds(20);
    return o;
}

ClientRequest get(const std::string& url) { return {"GET", url, {}, ""}; }

// A sample of the registry's exposition, by its whole name and labels; -1 when absent.
double sample(const metrics::Registry& r, const std::string& series) {
    auto text = r.render();
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
}

double count(const metrics::Registry& r, const std::string& upstream, const std::string& outcome) {
    return sample(
        r, "upstream_requests_total{upstream=\"" + upstream + "\",outcome=\"" + outcome + "\"}");
}

struct HttpClientTest : ::testing::Test {
    metrics::Registry registry;
};

TEST_F(HttpClientTest, GetsAResponseAndReusesTheConnection) {
    StandInServer server([](const Received& r) {
        return Reply{200, {{"X-Echo", r.target}}, "hello " + r.method};
    });
    HttpClient client(quick_options(), registry);
    auto first = await_now(client.send(get(server.url("/a?b=1")), call()));
    EXPECT_EQ(first.status, 200);
    EXPECT_EQ(first.body, "hello GET");
    EXPECT_EQ(first.header("x-echo"), "/a?b=1");
    auto second = await_now(
        client.send({"POST", server.url("/b"), {{"Content-Type", "text/plain"}}, "x"}, call()));
    EXPECT_EQ(second.body, "hello POST");
    EXPECT_EQ(server.connections(), 1);  // kept alive and pooled
    auto got = server.received();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1].body, "x");
    EXPECT_EQ(got[1].header("Host"), "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(count(registry, "test", "2xx"), 2);
    EXPECT_EQ(sample(registry, "upstream_in_flight{upstream=\"test\"}"), 0);
}

TEST_F(HttpClientTest, RetriesServerErrorsThenSucceeds) {
    std::atomic<int> n{0};
    StandInServer server([&n](const Received&) {
        return ++n < 3 ? Reply{503, {}, "busy"} : Reply{200, {}, "ok"};
    });
    HttpClient client(quick_options(), registry);
    auto r = await_now(client.send({"POST", server.url("/"), {}, "body"}, call()));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(n.load(), 3);
    EXPECT_EQ(count(registry, "test", "5xx"), 2);
    EXPECT_EQ(sample(registry, "upstream_retries_total{upstream=\"test\"}"), 2);
}

TEST_F(HttpClientTest, GivesBackTheLastResponseAfterMaxAttempts) {
    StandInServer server([](const Received&) { return Reply{500, {}, "broken"}; });
    HttpClient client(quick_options(), registry);
    auto r = await_now(client.send(get(server.url()), call()));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, "broken");
    EXPECT_EQ(server.received().size(), 3u);  // max_attempts
}

TEST_F(HttpClientTest, DoesNotRetryStatusesTheCallDoesNotList) {
    StandInServer server([](const Received&) { return Reply{404, {}, ""}; });
    HttpClient client(quick_options(), registry);
    EXPECT_EQ(await_now(client.send(get(server.url()), call())).status, 404);
    EXPECT_EQ(server.received().size(), 1u);
}

TEST_F(HttpClientTest, WaitsAtLeastRetryAfter) {
    std::atomic<int> n{0};
    StandInServer server([&n](const Received&) {
        return ++n == 1 ? Reply{429, {{"Retry-After", "1"}}, ""} : Reply{200, {}, ""};
    });
    HttpClient client(quick_options(), registry);
    EXPECT_EQ(await_now(client.send(get(server.url()), call())).status, 200);
    auto got = server.received();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_GE(got[1].at - got[0].at, milliseconds(1000));
}

TEST_F(HttpClientTest, ARetryAfterPastTheDeadlineEndsTheRetries) {
    StandInServer server([](const Received&) { return Reply{503, {{"Retry-After", "3"}}, ""}; });
    HttpClient client(quick_options(), registry);
    auto options = call();
    options.deadline = Clock::now() + milliseconds(1500);
    EXPECT_EQ(await_now(client.send(get(server.url()), options)).status, 503);
    EXPECT_EQ(server.received().size(), 1u);
}

TEST_F(HttpClientTest, ARetryAfterLongerThanTheCapEndsTheRetries) {
    StandInServer server([](const Received&) { return Reply{429, {{"Retry-After", "3600"}}, ""}; });
    HttpClient client(quick_options(), registry);
    auto r = await_now(client.send(get(server.url()), call()));
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("Retry-After"), "3600");  // for the caller to schedule its own retry
    EXPECT_EQ(server.received().size(), 1u);
}

TEST_F(HttpClientTest, ASilentServerTimesOutAtTheFirstByteDeadline) {
    StandInServer server([](const Received&) { return Reply::hanging(); });
    auto options = quick_options();
    options.first_byte_timeout = milliseconds(300);
    options.max_attempts = 1;
    HttpClient client(options, registry);
    try {
        await_now(client.send(get(server.url()), call()));
        FAIL() << "no timeout";
    } catch (const UpstreamError& e) {
        EXPECT_EQ(e.kind(), UpstreamError::Kind::kTimeout) << e.what();
    }
    EXPECT_EQ(count(registry, "test", "timeout"), 1);
}

TEST_F(HttpClientTest, TheCallersDeadlineBoundsEveryAttempt) {
    StandInServer server([](const Received&) { return Reply::hanging(); });
    HttpClient client(quick_options(), registry);
    auto options = call();
    options.idempotent = true;
    options.deadline = Clock::now() + milliseconds(400);
    // The first attempt's first-byte timeout (2 s) is past the call's deadline: the
    // attempt ends at the deadline, and no retry starts after it.
    try {
        await_now(client.send(get(server.url()), options));
        FAIL() << "answered";
    } catch (const UpstreamError& e) {
        EXPECT_EQ(e.kind(), UpstreamError::Kind::kTimeout) << e.what();
    }
    EXPECT_EQ(server.received().size(), 1u);
    EXPECT_EQ(count(registry, "test", "timeout"), 1);
}

TEST_F(HttpClientTest, ARequestThatWasSentIsRetriedOnlyWhenIdempotent) {
    StandInServer server([](const Received&) { return Reply::closing(); });
    HttpClient client(quick_options(), registry);
    EXPECT_THROW(await_now(client.send({"POST", server.url(), {}, "once"}, call())), UpstreamError);
    EXPECT_EQ(server.received().size(), 1u);
    auto options = call();
    options.idempotent = true;
    EXPECT_THROW(await_now(client.send(get(server.url()), options)), UpstreamError);
    EXPECT_EQ(server.received().size(), 4u);  // 1 + max_attempts
    EXPECT_EQ(count(registry, "test", "protocol_error"), 4);
}

TEST_F(HttpClientTest, ConnectionFailuresAreRetriedAndCounted) {
    std::string url;
    {
        StandInServer gone([](const Received&) { return Reply{}; });
        url = gone.url();
    }  // nothing listens there now
    HttpClient client(quick_options(), registry);
    try {
        await_now(client.send({"POST", url, {}, ""}, call()));
        FAIL() << "connected";
    } catch (const UpstreamError& e) {
        EXPECT_EQ(e.kind(), UpstreamError::Kind::kConnect) << e.what();
    }
    EXPECT_EQ(count(registry, "test", "connect_error"), 3);
}

TEST_F(HttpClientTest, ConcurrencyPerOriginIsBounded) {
    std::atomic<int> n{0};
    StandInServer server(
        [&n](const Received&) { return ++n == 1 ? Reply::paused(milliseconds(1500)) : Reply{}; });
    auto options = quick_options();
    options.max_per_origin = 1;
    HttpClient client(options, registry);
    boost::asio::io_context loop;
    auto slow = boost::asio::co_spawn(loop, client.send(get(server.url()), call()),
                                      boost::asio::use_future);
    auto waiting = call();
    waiting.max_attempts = 1;
    waiting.deadline = Clock::now() + milliseconds(500);
    auto refused = boost::asio::co_spawn(loop, client.send(get(server.url("/2")), waiting),
                                         boost::asio::use_future);
    loop.run();
    EXPECT_EQ(slow.get().status, 200);
    try {
        refused.get();
        FAIL() << "not bounded";
    } catch (const UpstreamError& e) {
        EXPECT_EQ(e.kind(), UpstreamError::Kind::kRejected) << e.what();
    }
    EXPECT_EQ(server.received().size(), 1u);
    EXPECT_EQ(server.connections(), 1);
}

TEST_F(HttpClientTest, AResponseOverTheLimitIsRefused) {
    StandInServer server([](const Received&) { return Reply{200, {}, std::string(5000, 'x')}; });
    auto options = quick_options();
    options.max_response_bytes = 4096;
    HttpClient client(options, registry);
    try {
        await_now(client.send(get(server.url()), call()));
        FAIL() << "accepted";
    } catch (const UpstreamError& e) {
        EXPECT_EQ(e.kind(), UpstreamError::Kind::kTooLarge) << e.what();
    }
}

TEST_F(HttpClientTest, APooledConnectionTheServerClosedIsReplaced) {
    std::atomic<int> n{0};
    // The second request arrives on the pooled connection, which the server then drops
    // unanswered, as a server that timed it out does.
    StandInServer server([&n](const Received& r) {
        ++n;
        return r.connection == 1 && n == 2 ? Reply::closing() : Reply{200, {}, "ok"};
    });
    auto options = quick_options();
    options.max_attempts = 1;
    HttpClient client(options, registry);
    EXPECT_EQ(await_now(client.send(get(server.url()), call())).status, 200);
    EXPECT_EQ(await_now(client.send({"POST", server.url(), {}, "x"}, call())).status, 200);
    EXPECT_EQ(server.connections(), 2);
}

struct TlsTest : HttpClientTest {
    void SetUp() override { pki = testing::mint_pki("DNS:localhost,IP:127.0.0.1"); }
    testing::TestPki pki;
};

TEST_F(TlsTest, VerifiesThePeerAgainstTheConfiguredCa) {
    testing::TlsFiles files{pki.server_cert, pki.server_key};
    StandInServer server([](const Received&) { return Reply{200, {}, "secret"}; }, &files);
    auto options = quick_options();
    options.ca_file = pki.ca_cert;
    HttpClient client(options, registry);
    EXPECT_EQ(await_now(client.send(get(server.url("/", "localhost")), call())).body, "secret");
    EXPECT_EQ(await_now(client.send(get(server.url("/", "127.0.0.1")), call())).body, "secret");
    EXPECT_EQ(server.connections(), 2);  // one per origin
}

TEST_F(TlsTest, RefusesAPeerNoTrustedCaSigned) {
    testing::TlsFiles files{pki.server_cert, pki.server_key};
    StandInServer server([](const Received&) { return Reply{}; }, &files);
    auto options = quick_options();
    options.max_attempts = 1;
    HttpClient client(options, registry);  // system CAs only
    try {
        await_now(client.send(get(server.url("/", "localhost")), call()));
        FAIL() << "trusted";
    } catch (const UpstreamError& e) {
        EXPECT_EQ(e.kind(), UpstreamError::Kind::kConnect);
        EXPECT_NE(std::string(e.what()).find("certificate"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(server.received().empty());
}

TEST_F(TlsTest, RefusesACertificateForAnotherHost) {
    auto other = testing::mint_pki("DNS:other.example");
    testing::TlsFiles files{other.server_cert, other.server_key};
    StandInServer server([](const Received&) { return Reply{}; }, &files);
    auto options = quick_options();
    options.max_attempts = 1;
    options.ca_file = other.ca_cert;
    HttpClient client(options, registry);
    EXPECT_THROW(await_now(client.send(get(server.url("/", "localhost")), call())), UpstreamError);
    EXPECT_TRUE(server.received().empty());
}

TEST_F(HttpClientTest, StoppingEndsCallsInProgress) {
    StandInServer server([](const Received&) { return Reply::hanging(); });
    boost::asio::io_context loop;
    std::future<ClientResponse> pending;
    {
        HttpClient client(quick_options(), registry);
        pending = boost::asio::co_spawn(loop, client.send(get(server.url()), call()),
                                        boost::asio::use_future);
        for (int i = 0; i < 1000 && server.received().empty(); ++i) loop.run_for(milliseconds(10));
        ASSERT_FALSE(server.received().empty());
    }
    loop.run();
    EXPECT_THROW(pending.get(), UpstreamError);
}

}  // namespace
}  // namespace mindme::upstream
