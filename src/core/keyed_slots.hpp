#pragma once
// At most `max` things at once per key (an upload or a password check per client
// address): one key cannot take most of a shared resource. Thread-safe; the memory is
// one small entry per key that holds a slot, none for the others.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mindme::core {

class KeyedSlots {
public:
    // A held slot, given back when destroyed; null when the key holds `max` already.
    // The same type as http::SendHold, so a response can carry it until it is sent.
    using Hold = std::unique_ptr<void, void (*)(void*)>;

    explicit KeyedSlots(std::size_t max) : max_(max) {}
    KeyedSlots(const KeyedSlots&) = delete;
    KeyedSlots& operator=(const KeyedSlots&) = delete;

    Hold try_take(std::string_view key);
    std::size_t held(std::string_view key) const;
    std::size_t keys() const;

private:
    struct Taken;
    void give_back(const std::string& key);

    std::size_t max_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::size_t> held_;
};

}  // namespace mindme::core
