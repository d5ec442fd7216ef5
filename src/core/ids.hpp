#pragma once
// Random identifiers. Request ids only need to be unique, not secret; secrets
// (session tokens) come from libsodium in the guard.
#include <cstddef>
#include <string>

namespace mindme::core {

// `bytes` random bytes as unpadded base64url (URL-safe, opaque).
std::string random_id(std::size_t bytes = 12);
// A random (version 4) UUID, lower-case, from the kernel's generator: unguessable.
std::string random_uuid();

}  // namespace mindme::core
