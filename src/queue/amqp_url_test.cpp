#include <gtest/gtest.h>

#include "queue/amqp_connection.hpp"

namespace mindme::queue {
namespace {

TEST(AmqpUrl, PartsAndDefaults) {
    auto full = parse_amqp_url("amqp://app:s3cret@mq.internal:5673/prod");
    ASSERT_TRUE(full);
    EXPECT_EQ(full->user, "app");
    EXPECT_EQ(full->password, "s3cret");
    EXPECT_EQ(full->host, "mq.internal");
    EXPECT_EQ(full->port, 5673);
    EXPECT_EQ(full->vhost, "prod");

    auto bare = parse_amqp_url("amqp://127.0.0.1");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->port, 5672);
    EXPECT_EQ(bare->user, "guest");
    EXPECT_EQ(bare->vhost, "/");
    // The default vhost "/" written out, percent-encoded, or as a bare slash.
    EXPECT_EQ(parse_amqp_url("amqp://h:1/%2f")->vhost, "/");
    EXPECT_EQ(parse_amqp_url("amqp://h:1/")->vhost, "/");
}

TEST(AmqpUrl, RefusesWhatItCannotUse) {
    for (const char* bad : {"", "sql://", "amqps://h:5671/", "http://h/", "amqp://", "amqp://h:x/"})
        EXPECT_FALSE(parse_amqp_url(bad)) << bad;
}

}  // namespace
}  // namespace mindme::queue
