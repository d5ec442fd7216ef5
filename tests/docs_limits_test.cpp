// The limits the docs state are the code's: each statement below is rendered from the
// constant the code uses and must appear in its doc (white space folded), so changing a
// limit without its doc, or the doc without the code, fails here. The configuration's
// defaults are held to docs/config.md by docs.config_reference_is_current.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/limits.hpp"
#include "core/log.hpp"
#include "purchases/apple_signed_data.hpp"
#include "upstream/google_credentials.hpp"

namespace mindme {
namespace {

std::string folded(const std::string& text) {
    std::string out;
    bool gap = false;  // blanks since the last character kept
    for (char c : text) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            gap = !out.empty();
            continue;
        }
        if (gap) out += ' ';
        gap = false;
        out += c;
    }
    return out;
}

std::string read_doc(const std::string& name) {
    const char* dir = std::getenv("MINDME_DOCS_DIR");
    if (!dir) throw std::runtime_error("MINDME_DOCS_DIR is not set: run through ctest");
    std::ifstream in(std::string(dir) + "/" + name);
    if (!in) throw std::runtime_error("cannot read docs/" + name);
    std::ostringstream text;
    text << in.rdbuf();
    return folded(text.str());
}

std::string n(std::size_t v) { return std::to_string(v); }

// 65536 → "65,536".
std::string grouped(std::size_t v) {
    auto digits = std::to_string(v);
    for (auto i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<std::size_t>(i), ",");
    return digits;
}

std::string kib(std::size_t bytes) { return n(bytes / 1024) + " KiB"; }

struct Statement {
    const char* doc;
    std::string text;
};

TEST(DocsLimits, EveryLimitTheDocsStateIsTheCodes) {
    using namespace app;
    const std::vector<Statement> statements = {
        {"http.md",
         "if a thread's queue (" + grouped(core::log::kQueueLines) + " lines) overflows"},
        {"store.md", "Passwords (" + n(kMinPassword) + "–" + n(kMaxPassword) + " characters"},
        {"store.md", "a memory's body may be " + kib(kMaxBodyBytes) + " of UTF-8"},
        {"store.md", "a string of at most " + n(kMaxTitleChars) + " characters"},
        {"store.md", "holds at most " + kib(kMaxBodyBytes) + " (" + grouped(kMaxBodyBytes) +
                         " bytes of UTF-8)"},
        {"store.md", "at most " + n(kMaxTags) + " strings of 1–" + n(kMaxTagChars) + " characters"},
        {"store.md", "`limit` 1–" + n(kMaxPage) + " (default " + n(kDefaultPage) + ";"},
        {"store.md", "`limit` 1–" + n(kMaxChanges) + ", default " + n(kDefaultChanges)},
        {"jobs.md", "(limit 1–" + n(kMaxHits) + ", default " + n(kDefaultHits) + "; `q` 1–" +
                        n(kMaxQueryChars) + " characters"},
        {"files.md", "`name`: 1–" + n(kMaxNameChars) + " characters"},
        {"firebase.md", "token empty, over " + grouped(kMaxDeviceTokenBytes) + " bytes"},
        {"firebase.md",
         "refreshed " + n(upstream::GoogleAccessTokens::kRefreshBefore.count() / 60) + " min " +
             n(upstream::GoogleAccessTokens::kRefreshBefore.count() % 60) + " s before it expires"},
        {"assistant.md", "`prompt`: 1 to " + grouped(kMaxPromptChars) +
                             " characters. `memory_ids`: at most " + n(kMaxContextMemories) +
                             " of the caller's memories"},
        {"assistant.md",
         "`system_prompt` optional (at most " + grouped(kMaxSystemPromptChars) + " characters"},
        {"assistant.md",
         "past " + kib(kVoicePauseAtBytes) +
             " (2 s of speech) the server stops reading the socket until it is under " +
             kib(kVoiceResumeAtBytes)},
        {"assistant.md",
         "The model's output waits while " + n(kVoiceClientQueue) + " messages are queued"},
        {"assistant.md", "the last " + grouped(kVoiceHistoryChars) + " characters"},
        {"purchases.md",
         "Verified certificate chains are kept " +
             n(static_cast<std::size_t>(purchases::AppleSignedData::kChainCacheAge.count())) +
             " minutes (at most " + n(purchases::AppleSignedData::kChainCacheEntries) + ")"},
        {"purchases.md", "code (" + n(kPurchaseCodeBytes * 8) + " random bits"},
        {"purchases.md", "(" + n(static_cast<std::size_t>(kQrModulePixels)) +
                             " px a module, the standard's " + "4-module margin)"},
    };
    for (const auto& s : statements)
        EXPECT_NE(read_doc(s.doc).find(folded(s.text)), std::string::npos)
            << "docs/" << s.doc << " does not say: " << s.text;
}

TEST(DocsLimits, TheCheckFoldsWhiteSpaceAndGroupsThousands) {
    EXPECT_EQ(folded("a  b\n   c\t"), "a b c");
    EXPECT_EQ(grouped(4096), "4,096");
    EXPECT_EQ(grouped(65536), "65,536");
    EXPECT_EQ(grouped(1000000), "1,000,000");
    EXPECT_EQ(grouped(999), "999");
    EXPECT_EQ(kib(64 * 1024), "64 KiB");
}

}  // namespace
}  // namespace mindme
