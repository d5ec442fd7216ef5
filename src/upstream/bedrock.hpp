#pragma once
// Amazon Bedrock's runtime API, signed with SigV4 (service "bedrock"): one Converse call
// at a time (retries are the gateway's). The model id is percent-encoded in the path
// (its ':' and any '/'), which SigV4 then encodes again, as every AWS SDK does.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "upstream/aws_credentials.hpp"
#include "upstream/http_client.hpp"

namespace mindme::upstream {

struct BedrockEndpoint {
    std::string url;     // https://bedrock-runtime.<region>.amazonaws.com, or a stand-in's
    std::string region;  // of the signature's scope
};

// The default endpoint of a region.
std::string bedrock_runtime_url(const std::string& region);

class BedrockClient {
public:
    BedrockClient(HttpClient& client, AwsCredentialsProvider& credentials,
                  BedrockEndpoint endpoint);
    // POST /model/{model}/converse with `body`; the answer as it came (any status).
    boost::asio::awaitable<ClientResponse> converse(std::string model, std::string body,
                                                    Clock::time_point deadline);

private:
    HttpClient& client_;
    AwsCredentialsProvider& credentials_;
    BedrockEndpoint endpoint_;
};

}  // namespace mindme::upstream
