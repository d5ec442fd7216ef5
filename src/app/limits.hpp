#pragma once
// The API's limits on what a client sends and asks for, in one place: the routes check
// them, their OpenAPI documents state them, and a test (tests/docs_limits_test.cpp) holds
// the docs to them.
#include <cstddef>

namespace mindme::app {

// Accounts.
inline constexpr std::size_t kMaxEmailBytes = 254;
inline constexpr std::size_t kMaxEmailLocalBytes = 64;  // before the @ (RFC 5321)
inline constexpr std::size_t kMinPassword = 8;          // characters (code points)
inline constexpr std::size_t kMaxPassword = 256;

// Memories.
inline constexpr std::size_t kMaxTitleChars = 200;
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;
inline constexpr std::size_t kMaxTags = 20;
inline constexpr std::size_t kMaxTagChars = 40;

// Lists (?limit): by default, and at most.
inline constexpr std::size_t kDefaultPage = 50;
inline constexpr std::size_t kMaxPage = 200;
inline constexpr std::size_t kDefaultChanges = 500;  // GET /v1/sync
inline constexpr std::size_t kMaxChanges = 1000;
inline constexpr std::size_t kDefaultHits = 20;  // GET /v1/search
inline constexpr std::size_t kMaxHits = 100;
inline constexpr std::size_t kMaxQueryChars = 500;
// A memory list or sync page also ends once its items pass store::kPageBytes (1 MiB).

// Files.
inline constexpr std::size_t kMaxNameChars = 255;

// Devices: an FCM registration token is ~160 characters; APNs and web push ones stay well
// under this.
inline constexpr std::size_t kMaxDeviceTokenBytes = 4096;

// The assistant.
inline constexpr std::size_t kMaxPromptChars = 4000;        // POST /v1/assistant
inline constexpr std::size_t kMaxContextMemories = 20;      // its memory_ids
inline constexpr std::size_t kMaxSystemPromptChars = 4000;  // a voice session's start
// A voice session's client audio waiting for the model: past the first the client is not
// read until it falls under the second.
inline constexpr std::size_t kVoicePauseAtBytes = 64 * 1024;
inline constexpr std::size_t kVoiceResumeAtBytes = 16 * 1024;
// Messages queued to a voice client before the model's output waits for it.
inline constexpr std::size_t kVoiceClientQueue = 8;
// The conversation a reopened voice stream is given, at most.
inline constexpr std::size_t kVoiceHistoryChars = 20'000;

// Purchases: a QR hand-off code's random bytes (not enumerable), and the pixels a module
// of its PNG.
inline constexpr std::size_t kPurchaseCodeBytes = 16;
inline constexpr int kQrModulePixels = 8;

}  // namespace mindme::app
