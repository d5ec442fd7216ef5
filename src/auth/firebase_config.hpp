#pragma once
// auth.firebase.*: Firebase ID tokens as a way in (on when a project id is set).
#include <optional>

#include "auth/firebase_id_tokens.hpp"
#include "auth/firebase_keys.hpp"
#include "core/config_fwd.hpp"

namespace mindme::auth {

void declare_firebase_config(core::ConfigSchema& schema);

struct FirebaseConfig {
    FirebaseTokenRules rules;
    FirebaseKeysOptions keys;
};
// nullopt when auth.firebase.project_id is unset.
std::optional<FirebaseConfig> firebase_config(const core::Config& config);

}  // namespace mindme::auth
