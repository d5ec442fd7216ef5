#include "upstream/bedrock.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <ctime>

#include "core/digest.hpp"
#include "upstream/sigv4.hpp"
#include "upstream/target.hpp"

namespace mindme::upstream {

std::string bedrock_runtime_url(const std::string& region) {
    return "https://bedrock-runtime." + region + ".amazonaws.com";
}

BedrockClient::BedrockClient(HttpClient& client, AwsCredentialsProvider& credentials,
                             BedrockEndpoint endpoint)
    : client_(client), credentials_(credentials), endpoint_(std::move(endpoint)) {}

boost::asio::awaitable<ClientResponse> BedrockClient::converse(std::string model, std::string body,
                                                               Clock::time_point deadline) {
    auto path = "/model/" + boost::urls::encode(model, boost::urls::unreserved_chars) + "/converse";
    auto url = endpoint_.url + path;
    auto target = parse_target(url);
    auto keys = co_await credentials_.credentials(deadline);
    SignableRequest signable{"POST",
                             target.request,
                             "",
                             {{"Host", target.host_header}, {"Content-Type", "application/json"}},
                             core::sha256_hex(body)};
    auto signature =
        sign_request(signable, keys, {endpoint_.region, "bedrock"}, std::time(nullptr));
    ClientRequest request{"POST",
                          url,
                          {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
                          std::move(body)};
    for (auto& h : signature.headers) request.headers.push_back(std::move(h));
    CallOptions call;
    call.upstream = "bedrock";
    call.deadline = deadline;
    call.max_attempts = 1;  // the gateway retries, within its budget
    call.retry_statuses = {};
    co_return co_await client_.send(std::move(request), std::move(call));
}

}  // namespace mindme::upstream
