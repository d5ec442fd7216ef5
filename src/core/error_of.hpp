#pragma once
// For tests: the code of the ApiError that f throws (kInternal when it throws none).
#include <functional>

#include "core/errors.hpp"

namespace mindme::core {

inline ErrorCode error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ApiError& e) {
        return e.code();
    }
    return ErrorCode::kInternal;
}

}  // namespace mindme::core
