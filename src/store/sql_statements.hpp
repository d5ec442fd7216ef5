#pragma once
// Helpers for SOCI statements shared by the SQL repositories. Private to src/store.
#include <soci/soci.h>

#include <cstddef>
#include <optional>
#include <string>

namespace mindme::store::detail {

// Prepares a statement whose values were bound one by one with exchange() (the query
// text depends on which optional conditions apply). As a one-time query: unnamed on the
// server (one round trip, not prepare + execute + deallocate), which also keeps it
// working through PgBouncer's transaction pooling, where a named statement prepared on
// one server connection is missing on the next.
inline void prepare(soci::statement& st, const std::string& sql) {
    st.alloc();
    st.prepare(sql, soci::details::st_one_time_query);
    st.define_and_bind();
}

// A statement of `sql` with its soci::use() and soci::into() elements, prepared as
// above (instead of `s.prepare << sql, ...`, which names it on the server).
template <class... Elements>
soci::statement statement(soci::session& s, const std::string& sql, Elements&&... elements) {
    soci::statement st(s);
    (st.exchange(std::forward<Elements>(elements)), ...);
    prepare(st, sql);
    return st;
}

// Runs an INSERT/UPDATE/DELETE statement; the rows it touched.
inline long long affected(soci::statement& st) {
    st.execute(true);
    return st.get_affected_rows();
}

// One page of a user's rows, newest first by `time_column` (ties: greater id first),
// after `after` when given. `select` is "SELECT <columns> FROM <table> "; `row` binds
// the columns (bind(statement)) and turns them into an item (take()). The page also
// ends once `bytes_of` its items reaches `max_bytes` (it always holds one item).
template <class Page, class Row, class Position, class BytesOf>
Page newest_first_page(soci::session& s, const std::string& select, const char* time_column,
                       const std::string& user_id, const std::optional<Position>& after,
                       std::size_t limit, Row& row, std::size_t max_bytes, BytesOf bytes_of) {
    Page page;
    std::size_t bytes = 0;
    int fetch = static_cast<int>(limit) + 1;
    soci::statement st(s);
    row.bind(st);
    std::string col = time_column;
    std::string sql = select + "WHERE user_id = :u ";
    st.exchange(soci::use(user_id));
    if (after) {
        sql += "AND (" + col + " < :t1 OR (" + col + " = :t2 AND id < :i)) ";
        st.exchange(soci::use(after->updated_at_ms));
        st.exchange(soci::use(after->updated_at_ms));
        st.exchange(soci::use(after->id));
    }
    sql += "ORDER BY " + col + " DESC, id DESC LIMIT :n";
    st.exchange(soci::use(fetch));
    prepare(st, sql);
    st.execute(false);
    while (st.fetch()) {
        if (page.items.size() == limit || bytes >= max_bytes) {
            page.more = true;
            break;
        }
        page.items.push_back(row.take());
        bytes += bytes_of(page.items.back());
    }
    return page;
}

}  // namespace mindme::store::detail
