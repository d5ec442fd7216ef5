#include "core/config.hpp"
#include "search/search.hpp"

namespace mindme::search {

void declare_config(core::ConfigSchema& schema) {
    schema.add_string("search.url", "xapian://",
                      "The search index: xapian:// (on disk in <data.dir>/search) or "
                      "postgresql:// (full-text search in the store's PostgreSQL database, "
                      "which every process and machine shares).",
                      [](const core::ConfigValue& v) -> std::optional<std::string> {
                          const auto& url = std::get<std::string>(v);
                          if (url == "xapian://" || url == "postgresql://") return std::nullopt;
                          return "expected xapian:// or postgresql://";
                      });
    schema.add_int("search.readers", 2, 1, 256,
                   "Threads that run queries, each with its own index handle.");
    schema.add_int("search.commit_interval_ms", 100, 1, 2000,
                   "Index commits come at most this often; writes in between wait for and share "
                   "the next one (each still returns only once it is committed). Fewer commits "
                   "keep readers in other processes from losing their revision mid-query.");
}

std::unique_ptr<SearchIndex> open_index(const core::Config& config, const std::string& data_dir,
                                        store::SqlDatabase& store) {
    if (config.get_string("search.url") == "postgresql://") return make_postgres_index(store);
    XapianOptions o;
    o.path = data_dir + "/search";
    o.readers = static_cast<std::size_t>(config.get_int("search.readers"));
    o.commit_interval = std::chrono::milliseconds(config.get_int("search.commit_interval_ms"));
    return make_xapian_index(o);
}

}  // namespace mindme::search
