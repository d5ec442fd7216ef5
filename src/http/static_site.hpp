#pragma once
// Static hosting of a web app build (the S3 + CloudFront role): conditional and
// range requests, precompressed siblings, long-lived caching of fingerprinted
// assets, an SPA fallback to index.html, and no way to read outside the root.
#include <string>

#include "http/message.hpp"

namespace mindme::http {

class StaticSite {
public:
    // `root` must be an existing directory (checked here, so a bad path fails at start).
    explicit StaticSite(std::string root);

    Response serve(const Request& req) const;

private:
    std::string root_;
};

// True for names that carry a content hash ("main.3f2a9c1b.js", "index-BxQ3k9aZ.js"),
// which may be cached for a year because a new build gets a new name.
bool is_fingerprinted(std::string_view file_name);
std::string_view content_type_for(std::string_view file_name);
// Whether Accept-Encoding accepts `coding` (q > 0).
bool accepts_encoding(std::string_view accept_encoding, std::string_view coding);

}  // namespace mindme::http
