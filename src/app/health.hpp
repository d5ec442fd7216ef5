#pragma once
// Named dependency checks behind GET /health. A check returns an empty string when
// healthy, otherwise what is wrong; required checks failing make /health 503. Checks
// are coroutines: one that asks a database awaits it instead of blocking the loop.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/lifecycle.hpp"

namespace mindme::app {

class HealthChecks {
public:
    using Check = std::function<boost::asio::awaitable<std::string>()>;
    void add(std::string name, Check check, bool required = true);

    struct Report {
        bool healthy;
        std::string json;  // {"status":...,"checks":{...}}
    };
    boost::asio::awaitable<Report> run(const core::Lifecycle& lifecycle) const;

private:
    struct Entry {
        std::string name;
        Check check;
        bool required;
    };
    std::vector<Entry> entries_;
};

// Healthy when `dir` exists and this process may write into it.
HealthChecks::Check writable_directory_check(std::string dir);

}  // namespace mindme::app
