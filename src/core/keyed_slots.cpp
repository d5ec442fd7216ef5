#include "core/keyed_slots.hpp"

namespace mindme::core {

struct KeyedSlots::Taken {
    KeyedSlots* slots;
    std::string key;
};

KeyedSlots::Hold KeyedSlots::try_take(std::string_view key) {
    auto none = Hold(nullptr, [](void*) {});
    std::string k(key);
    {
        std::lock_guard lock(mutex_);
        auto& n = held_[k];
        if (n >= max_) {
            if (n == 0) held_.erase(k);
            return none;
        }
        ++n;
    }
    return Hold(new Taken{this, std::move(k)}, [](void* p) {
        auto* taken = static_cast<Taken*>(p);
        taken->slots->give_back(taken->key);
        delete taken;
    });
}

void KeyedSlots::give_back(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = held_.find(key);
    if (it == held_.end()) return;
    if (--it->second == 0) held_.erase(it);
}

std::size_t KeyedSlots::held(std::string_view key) const {
    std::lock_guard lock(mutex_);
    auto it = held_.find(std::string(key));
    return it == held_.end() ? 0 : it->second;
}

std::size_t KeyedSlots::keys() const {
    std::lock_guard lock(mutex_);
    return held_.size();
}

}  // namespace mindme::core
