#pragma once
// Helpers for SOCI statements shared by the SQL repositories. Private to src/store.
#include <soci/soci.h>

#include <string>

namespace mindme::store::detail {

// Prepares a statement whose values were bound one by one with exchange() (the query
// text depends on which optional conditions apply).
inline void prepare(soci::statement& st, const std::string& sql) {
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
}

// Runs an INSERT/UPDATE/DELETE statement; the rows it touched.
inline long long affected(soci::statement& st) {
    st.execute(true);
    return st.get_affected_rows();
}

}  // namespace mindme::store::detail
