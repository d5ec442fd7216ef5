#include "core/config.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace mindme::core {
namespace {

ConfigSchema test_schema() {
    ConfigSchema s;
    s.add_int("server.threads", 0, 0, 256, "event loops");
    s.add_bool("log.access", true, "access log");
    s.add_double("guard.ratio", 0.5, 0.0, 1.0, "a ratio");
    s.add_string("server.listen", "127.0.0.1:8080", "listen address",
                 [](const ConfigValue& v) -> std::optional<std::string> {
                     if (std::get<std::string>(v).find(':') == std::string::npos)
                         return "expected HOST:PORT";
                     return std::nullopt;
                 });
    s.add_list("guard.trusted_proxies", {}, "proxies");
    s.add_int("guard.rate_limit.requests", 10000, 0, 1'000'000'000, "limit");
    return s;
}

std::string write_temp(const std::string& text) {
    char path[] = "/tmp/mindme-config-XXXXXX";
    int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    close(fd);
    std::ofstream(path) << text;
    return path;
}

TEST(Config, DefaultsApplyWhenNothingIsSet) {
    auto schema = test_schema();
    auto c = load_config(schema, {});
    EXPECT_EQ(c.get_int("server.threads"), 0);
    EXPECT_TRUE(c.get_bool("log.access"));
    EXPECT_EQ(c.get_string("server.listen"), "127.0.0.1:8080");
    EXPECT_TRUE(c.get_list("guard.trusted_proxies").empty());
}

TEST(Config, PrecedenceIsFileThenEnvironmentThenSet) {
    auto schema = test_schema();
    auto file = write_temp(
        "server:\n  threads: 3\n  listen: 0.0.0.0:9000\n"
        "guard:\n  trusted_proxies: [10.0.0.1, 10.0.0.2]\n  rate_limit:\n    requests: 7\n");
    ConfigSources src;
    src.file = file;
    src.env = {{"MINDME_SERVER__THREADS", "5"}, {"MINDME_GUARD__RATE_LIMIT__REQUESTS", "9"}};
    src.sets = {"server.threads=6"};
    auto c = load_config(schema, src);
    EXPECT_EQ(c.get_int("server.threads"), 6);
    EXPECT_EQ(c.get_int("guard.rate_limit.requests"), 9);
    EXPECT_EQ(c.get_string("server.listen"), "0.0.0.0:9000");
    EXPECT_EQ(c.get_list("guard.trusted_proxies"), (StringList{"10.0.0.1", "10.0.0.2"}));
    std::remove(file.c_str());
}

TEST(Config, UnknownKeysAreRefusedWithAHint) {
    auto schema = test_schema();
    ConfigSources src;
    src.sets = {"server.thread=2"};
    try {
        load_config(schema, src);
        FAIL() << "accepted an unknown key";
    } catch (const ConfigError& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find("unknown configuration key 'server.thread'"), std::string::npos);
        EXPECT_NE(msg.find("did you mean 'server.threads'"), std::string::npos);
    }
}

TEST(Config, UnknownKeysInTheFileAreRefused) {
    auto schema = test_schema();
    auto file = write_temp("server:\n  colour: blue\n");
    ConfigSources src;
    src.file = file;
    EXPECT_THROW(load_config(schema, src), ConfigError);
    std::remove(file.c_str());
}

TEST(Config, UnknownEnvironmentKeysAreRefusedButPlainVariablesIgnored) {
    auto schema = test_schema();
    ConfigSources ok;
    ok.env = {{"MINDME_URL", "http://x"}, {"PATH", "/bin"}};
    EXPECT_NO_THROW(load_config(schema, ok));
    ConfigSources bad;
    bad.env = {{"MINDME_SERVER__NOPE", "1"}};
    EXPECT_THROW(load_config(schema, bad), ConfigError);
}

TEST(Config, BadValuesAreRefused) {
    auto schema = test_schema();
    for (std::string set :
         {"server.threads=abc", "server.threads=-1", "server.threads=257", "server.threads=1.5",
          "log.access=maybe", "guard.ratio=2", "server.listen=nocolon", "noequals"}) {
        ConfigSources src;
        src.sets = {set};
        EXPECT_THROW(load_config(schema, src), ConfigError) << set;
    }
}

TEST(Config, ListsParseFromCommaSeparatedText) {
    auto schema = test_schema();
    ConfigSources src;
    src.sets = {"guard.trusted_proxies=10.0.0.0/8, 192.168.1.1"};
    auto c = load_config(schema, src);
    EXPECT_EQ(c.get_list("guard.trusted_proxies"), (StringList{"10.0.0.0/8", "192.168.1.1"}));
}

TEST(Config, MalformedYamlIsAClearError) {
    auto schema = test_schema();
    auto file = write_temp("server: [unclosed\n");
    ConfigSources src;
    src.file = file;
    EXPECT_THROW(load_config(schema, src), ConfigError);
    src.file = "/nonexistent/mindme.yaml";
    EXPECT_THROW(load_config(schema, src), ConfigError);
    std::remove(file.c_str());
}

TEST(Config, ReadingWithTheWrongTypeIsAProgrammingError) {
    auto schema = test_schema();
    Config c(schema);
    EXPECT_THROW(c.get_bool("server.threads"), std::logic_error);
    EXPECT_THROW(c.get_int("no.such"), std::logic_error);
}

}  // namespace
}  // namespace mindme::core
