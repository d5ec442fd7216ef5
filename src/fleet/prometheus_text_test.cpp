// Sums over /metrics text, as the fleet reads it.
#include "fleet/prometheus_text.hpp"

#include <gtest/gtest.h>

namespace mindme::fleet {
namespace {

const char* kText = R"(# HELP http_requests_total HTTP requests answered.
# TYPE http_requests_total counter
http_requests_total{route="/v1/memories",method="GET",status="200"} 120
http_requests_total{route="/v1/memories",method="POST",status="503"} 3
http_requests_total{route="/health",method="GET",status="200"} 40
http_requests_total_extra 99
http_request_duration_seconds_sum{route="/v1/memories"} 1.5
http_request_duration_seconds_sum{route="/a \"quoted\" route"} 0.5
process_cpu_seconds_total 12.25
malformed{route="x" 7
)";

TEST(PrometheusText, SumsSamplesByExactNameAndLabels) {
    EXPECT_DOUBLE_EQ(sum_samples(kText, "http_requests_total"), 163);
    EXPECT_DOUBLE_EQ(sum_samples(kText, "http_requests_total",
                                 [](const Labels& l) { return l.at("route") != "/health"; }),
                     123);
    EXPECT_DOUBLE_EQ(sum_samples(kText, "http_requests_total",
                                 [](const Labels& l) { return l.at("status").starts_with('5'); }),
                     3);
    EXPECT_DOUBLE_EQ(sum_samples(kText, "http_request_duration_seconds_sum"), 2);
    EXPECT_DOUBLE_EQ(sum_samples(kText, "process_cpu_seconds_total"), 12.25);
    EXPECT_DOUBLE_EQ(sum_samples(kText, "absent"), 0);
    EXPECT_DOUBLE_EQ(sum_samples(kText, "malformed"), 0);
}

}  // namespace
}  // namespace mindme::fleet
