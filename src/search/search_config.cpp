#include "core/config.hpp"
#include "search/search.hpp"

namespace mindme::search {

void declare_config(core::ConfigSchema& schema) {
    schema.add_string("search.url", "xapian://",
                      "The search index: xapian:// (on disk in <data.dir>/search).",
                      [](const core::ConfigValue& v) -> std::optional<std::string> {
                          if (std::get<std::string>(v) == "xapian://") return std::nullopt;
                          return "expected xapian://";
                      });
    schema.add_int("search.readers", 2, 1, 256,
                   "Threads that run queries, each with its own index handle.");
}

std::unique_ptr<SearchIndex> open_index(const core::Config& config, const std::string& data_dir) {
    XapianOptions o;
    o.path = data_dir + "/search";
    o.readers = static_cast<std::size_t>(config.get_int("search.readers"));
    return make_xapian_index(o);
}

}  // namespace mindme::search
