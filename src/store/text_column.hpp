#pragma once
// User text (a memory's title and body) as a database column. SQLite keeps any
// bytes; PostgreSQL's text type cannot hold U+0000, which the API accepts and returns
// exactly, so on such a backend NUL is written as \x01 '0' and \x01 itself as
// \x01 '1' (reversible, and text without either control character is stored as is).
// Private to src/store.
#include <string>

namespace mindme::store::detail {

class TextColumn {
public:
    explicit TextColumn(bool holds_nul) : holds_nul_(holds_nul) {}

    std::string store(const std::string& text) const {
        if (holds_nul_ || text.find_first_of(std::string("\0\x01", 2)) == std::string::npos)
            return text;
        std::string out;
        out.reserve(text.size() + 8);
        for (char c : text) {
            if (c == '\0' || c == kEscape) {
                out += kEscape;
                out += c == '\0' ? '0' : '1';
            } else {
                out += c;
            }
        }
        return out;
    }

    void load(std::string& text) const {
        if (holds_nul_ || text.find(kEscape) == std::string::npos) return;
        std::string out;
        out.reserve(text.size());
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == kEscape && i + 1 < text.size()) {
                out += text[++i] == '0' ? '\0' : kEscape;
            } else {
                out += text[i];
            }
        }
        text.swap(out);
    }

private:
    static constexpr char kEscape = '\x01';
    bool holds_nul_;
};

}  // namespace mindme::store::detail
