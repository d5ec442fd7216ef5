#pragma once
// Small text helpers shared by the parsers of headers, lists and configuration.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mindme::core {

// `s` without leading and trailing characters from `chars` (by default the optional
// whitespace HTTP allows around values: spaces and tabs).
std::string_view trim(std::string_view s, std::string_view chars = " \t");

// The items of a `sep`-separated list, each trimmed; empty items are kept so that
// callers can refuse them.
std::vector<std::string_view> split_list(std::string_view s, char sep = ',');

// Number of Unicode code points in valid UTF-8 (continuation bytes not counted): the
// "characters" of API.md's limits.
std::size_t code_points(std::string_view utf8);

// Valid UTF-8 of `in`, with U+FFFD for each byte that is not part of a valid sequence
// (overlong forms, surrogates and NUL included): what extracted text and text handed to
// a strict consumer such as PostgreSQL must be.
std::string valid_utf8(std::string_view in);

// `c` as HTML text or attribute content (&lt; &gt; &amp; &quot; &#39; for the specials).
void append_html_escaped(std::string& out, char c);

// The whole file at `path`. Throws std::invalid_argument("cannot read PATH") when it
// cannot be read: a path given by a user is an input error.
std::string read_text_file(const std::string& path);

// `s` trimmed, each run of ASCII white space (space, tab, CR, LF) made one space.
std::string collapse_spaces(std::string_view s);

// `s` with ASCII letters lower-cased (what case-insensitive keys compare).
std::string ascii_lower(std::string_view s);

}  // namespace mindme::core
