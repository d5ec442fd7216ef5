#pragma once
// Full-text search over a user's memories and file texts: BM25 ranking, filtered to
// one user, snippets around the match. Indexing is done by background jobs, which
// load the current state of a thing and upsert or remove it, so replays and
// reordering are harmless. Backends: Xapian on disk (xapian_index.cpp) and PostgreSQL
// full-text in the store's database (postgres_index.cpp), with one conformance suite.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/config_fwd.hpp"

namespace mindme::store {
class SqlDatabase;
}

namespace mindme::search {

struct Document {
    std::string kind;  // "memory" or "file"
    std::string id;
    std::string user_id;
    std::string title;
    std::string text;
};

struct Hit {
    std::string kind;
    std::string id;
    std::string title;
    std::string snippet;  // HTML: text escaped, matches in <mark>…</mark>
    double score = 0;
};

// The index cannot be written or read for a reason of this process or its environment
// (out of descriptors or disk, a database out of reach), not of the document: the same
// call succeeds later. Index jobs retry such failures without counting them.
struct IndexUnavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class SearchIndex {
public:
    virtual ~SearchIndex() = default;
    // Adds the document or replaces the one with the same kind and id.
    virtual boost::asio::awaitable<void> upsert(Document doc) = 0;
    // Many documents in one commit: reindexing, bulk loads.
    virtual boost::asio::awaitable<void> upsert_many(std::vector<Document> docs) = 0;
    virtual boost::asio::awaitable<void> remove(std::string kind, std::string id) = 0;
    // The user's documents that match every word of `query` (stemmed), best first.
    virtual boost::asio::awaitable<std::vector<Hit>> search(std::string user_id, std::string query,
                                                            std::size_t limit) = 0;
    virtual const char* backend() const = 0;
    // Empty while the index works; otherwise why the last write failed (for /health),
    // until a write succeeds again.
    virtual std::string health() const = 0;
};

struct XapianOptions {
    std::string path;               // the index directory (created if missing)
    std::size_t readers = 2;        // threads (each with its own database handle) for queries
    std::size_t max_waiting = 256;  // queries that may wait for one; past it 503
    // Commits come at most this often; the writes in between share the next one.
    std::chrono::milliseconds commit_interval{100};
};

std::unique_ptr<SearchIndex> make_xapian_index(const XapianOptions& options);
// In `db` (PostgreSQL), beside the data it indexes; creates its table if missing.
std::unique_ptr<SearchIndex> make_postgres_index(store::SqlDatabase& db);

void declare_config(core::ConfigSchema& schema);
// The index search.url names; data_dir holds the embedded one, `store` the PostgreSQL one.
std::unique_ptr<SearchIndex> open_index(const core::Config& config, const std::string& data_dir,
                                        store::SqlDatabase& store);

}  // namespace mindme::search
