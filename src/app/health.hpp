#pragma once
// Named dependency checks behind GET /health. A check returns an empty string when
// healthy, otherwise what is wrong; required checks failing make /health 503.
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/lifecycle.hpp"

namespace mindme::app {

class HealthChecks {
public:
    using Check = std::function<std::string()>;
    void add(std::string name, Check check, bool required = true);

    struct Report {
        bool healthy;
        std::string json;  // {"status":...,"checks":{...}}
    };
    Report run(const core::Lifecycle& lifecycle) const;

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
