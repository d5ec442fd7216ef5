#pragma once
// Appending to a user's change log inside a write transaction. Private to src/store:
// memories and files both write here; sync reads it and the events hub tails it.
#include <soci/soci.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace mindme::store::detail {

// The user's next change number. The UPDATE locks the user's row until commit, so
// the user's changes commit in the order of their numbers.
inline std::int64_t next_change_seq(soci::session& s, const std::string& user_id) {
    s << "UPDATE users SET change_seq = change_seq + 1 WHERE id = :u", soci::use(user_id);
    std::int64_t seq = 0;
    s << "SELECT change_seq FROM users WHERE id = :u", soci::use(user_id), soci::into(seq);
    if (!s.got_data()) throw std::runtime_error("change log: no user " + user_id);
    return seq;
}

// Appends one change (snapshot: the entity as JSON, or null); returns its number.
inline std::int64_t append_change(soci::session& s, const std::string& user_id,
                                  const std::string& kind, const std::string& entity_id,
                                  std::int64_t at_ms, const std::string* snapshot) {
    auto seq = next_change_seq(s, user_id);
    std::string empty;
    soci::indicator snapshot_ind = snapshot ? soci::i_ok : soci::i_null;
    s << "INSERT INTO changes (user_id, seq, kind, entity_id, at, snapshot) "
         "VALUES (:u, :s, :k, :e, :a, :p)",
        soci::use(user_id), soci::use(seq), soci::use(kind), soci::use(entity_id), soci::use(at_ms),
        soci::use(snapshot ? *snapshot : empty, snapshot_ind);
    return seq;
}

}  // namespace mindme::store::detail
