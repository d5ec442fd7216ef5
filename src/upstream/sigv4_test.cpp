// SigV4 against AWS's signing test suite (aws-c-auth tests/aws-signing-test-suite/v4,
// copied to tests/vectors/aws-sigv4): for every case, the canonical request, the string to
// sign and the signature of header signing; and the event-stream chunk signatures of
// aws-c-auth's test_event_signing.c.
#include "upstream/sigv4.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "core/digest.hpp"
#include "core/http_date.hpp"
#include "core/text.hpp"

namespace mindme::upstream {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

struct Case {
    std::string name;
    SignableRequest request;
    AwsCredentials credentials;
    SigningScope scope;
    std::time_t when = 0;
    SigningOptions options;
    std::string body;
};

std::time_t parse_timestamp(const std::string& iso) {
    std::tm tm{};
    strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return timegm(&tm);
}

// request.txt: a request line, headers (continuation lines start with blanks), a blank
// line and the body.
void parse_request(const std::string& text, Case& c) {
    std::vector<std::string> lines;  // untrimmed: continuation lines start with blanks
    for (std::size_t start = 0; start <= text.size();) {
        auto end = std::min(text.find('\n', start), text.size());
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    std::string_view first = lines.at(0);
    auto method_end = first.find(' ');
    auto version = first.rfind(" HTTP/1.1");
    c.request.method = std::string(first.substr(0, method_end));
    auto target = std::string(first.substr(method_end + 1, version - method_end - 1));
    auto q = target.find('?');
    c.request.path = target.substr(0, q);
    if (q != std::string::npos) c.request.query = target.substr(q + 1);
    std::size_t i = 1;
    for (; i < lines.size() && !lines[i].empty(); ++i) {
        std::string_view line = lines[i];
        if ((line[0] == ' ' || line[0] == '\t') && !c.request.headers.empty()) {
            c.request.headers.back().value += "\n" + std::string(line);
            continue;
        }
        auto colon = line.find(':');
        c.request.headers.push_back(
            {std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
    }
    for (++i; i < lines.size(); ++i) c.body += (c.body.empty() ? "" : "\n") + std::string(lines[i]);
}

Case load(const fs::path& dir) {
    Case c;
    c.name = dir.filename();
    auto context = json::parse(core::read_text_file(dir / "context.json")).as_object();
    const auto& creds = context.at("credentials").as_object();
    c.credentials.access_key_id = creds.at("access_key_id").as_string();
    c.credentials.secret_access_key = creds.at("secret_access_key").as_string();
    if (const auto* token = creds.if_contains("token"))
        c.credentials.session_token = token->as_string();
    c.scope = {std::string(context.at("region").as_string()),
               std::string(context.at("service").as_string())};
    c.when = parse_timestamp(std::string(context.at("timestamp").as_string()));
    c.options.normalize_path = context.at("normalize").as_bool();
    // The suite's paths are raw: encoded once here, as a service encodes the path it got.
    c.options.encode_path = true;
    bool sign_body = context.at("sign_body").as_bool();
    c.options.payload_hash_header = sign_body;
    if (const auto* omit = context.if_contains("omit_session_token"))
        c.options.sign_session_token = !omit->as_bool();
    parse_request(core::read_text_file(dir / "request.txt"), c);
    c.request.payload_hash = core::sha256_hex(c.body);
    return c;
}

std::string trimmed(const std::string& s) {
    auto end = s.find_last_not_of("\n");
    return end == std::string::npos ? "" : s.substr(0, end + 1);
}

TEST(SigV4, SignsEveryCaseOfAwsSigningTestSuite) {
    fs::path root = fs::path(MINDME_VECTORS_DIR) / "aws-sigv4";
    int cases = 0;
    for (const auto& entry : fs::directory_iterator(root)) {
        if (!entry.is_directory()) continue;
        auto c = load(entry.path());
        auto signed_request = sign_request(c.request, c.credentials, c.scope, c.when, c.options);
        EXPECT_EQ(signed_request.canonical_request,
                  trimmed(core::read_text_file(entry.path() / "header-canonical-request.txt")))
            << c.name;
        EXPECT_EQ(signed_request.string_to_sign,
                  trimmed(core::read_text_file(entry.path() / "header-string-to-sign.txt")))
            << c.name;
        EXPECT_EQ(signed_request.signature,
                  trimmed(core::read_text_file(entry.path() / "header-signature.txt")))
            << c.name;
        ++cases;
    }
    EXPECT_EQ(cases, 38);
}

TEST(SigV4, TheAuthorizationHeaderOfGetVanilla) {
    SignableRequest r{"GET", "/", "", {{"Host", "example.amazonaws.com"}}, core::sha256_hex("")};
    AwsCredentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
    auto s = sign_request(r, creds, {"us-east-1", "service"}, 1440938160);
    ASSERT_EQ(s.headers.size(), 2u);
    EXPECT_EQ(s.headers[0].value, "20150830T123600Z");
    EXPECT_EQ(s.headers[1].value,
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
              "SignedHeaders=host;x-amz-date, "
              "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

// aws-c-auth tests/test_event_signing.c: a streaming request, then chunks 'A', 'B', 'C' a
// second apart, then the empty final chunk, each signature chained from the one before.
TEST(SigV4, ChainsEventSignaturesFromTheRequests) {
    AwsCredentials creds{"access", "secret", ""};
    SigningScope scope{"us-east-1", "demo"};
    auto t0 = *core::parse_http_date("Fri, 16 Jan 1981 06:30:00 GMT");
    SignableRequest r{"POST",
                      "/streaming",
                      "",
                      {{"host", "demo.us-east-1.amazonaws.com"},
                       {"Content-Encoding", "application/vnd.amazon.eventstream"}},
                      "STREAMING-AWS4-HMAC-SHA256-EVENTS"};
    SigningOptions options;
    options.payload_hash_header = true;
    auto request = sign_request(r, creds, scope, t0, options);
    EXPECT_EQ(request.signature,
              "e1d8e8c8815e60969f2a34765c9a15945ffc0badbaa4b7e3b163ea19131e949b");
    EXPECT_EQ(request.headers.back().value,
              "AWS4-HMAC-SHA256 Credential=access/19810116/us-east-1/demo/aws4_request, "
              "SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date, "
              "Signature=e1d8e8c8815e60969f2a34765c9a15945ffc0badbaa4b7e3b163ea19131e949b");
    std::string prior = request.signature;
    const char* expected[] = {"7aabf85b765e6a4d0d500b6e968657b14726fa3e1eb7e839302728ffd77629a5",
                              "f72aa9642f571d24a6e1ae42f10f073ad9448d8a028b6bcd82da081335adda02",
                              "632af120435b57ec241d8bfbb12e496dfd5e2730a1a02ac0ab6eaa230ae02e9a",
                              "c6f679ddb3af68f5e82f0cf6761244cb2338cf11e7d01a24130aea1b7c17e53e"};
    const char* payloads[] = {"A", "B", "C", ""};
    for (int i = 0; i < 4; ++i) {
        auto signature = sign_event(payloads[i], prior, (t0 + 1 + i) * 1000LL, creds, scope);
        EXPECT_EQ(core::hex(signature), expected[i]) << i;
        prior = core::hex(signature);
    }
}

}  // namespace
}  // namespace mindme::upstream
