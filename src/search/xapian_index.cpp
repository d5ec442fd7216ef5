// The Xapian backend: one WritableDatabase, opened by the first write (so a process
// that only queries never takes the index's write lock), written on a one-thread
// pool; queries on a pool of reader threads, each query on a database handle of its
// own, reopened to the latest commit; a commit waits for the queries on the revision
// before it (see commit()). Xapian errors (not std::exceptions) become
// std::runtime_error before they leave a pool thread.
#include <xapian.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>

#include "core/blocking_pool.hpp"
#include "search/search.hpp"

namespace mindme::search {
namespace {

constexpr std::size_t kSnippetBytes = 200;
constexpr std::size_t kStoredTextBytes = 16 * 1024;  // kept for snippets
constexpr std::size_t kWriteQueue = 10'000;
constexpr Xapian::termcount kTitleWeight = 3;
constexpr Xapian::termcount kMaxPrefixTerms = 20;

constexpr int kQueryAttempts = 8;

// A stemmer per thread: Xapian::Stem is a handle to one Snowball stemmer whose
// working state is not safe to share, and readers, the writer and snippets all stem.
const Xapian::Stem& english_stemmer() {
    thread_local const Xapian::Stem stemmer("english");
    return stemmer;
}

std::string user_term(const std::string& user_id) { return "U:" + user_id; }
std::string id_term(const std::string& kind, const std::string& id) {
    return "Q:" + kind + ":" + id;
}

// Cuts at a character boundary at most `max` bytes in.
std::string utf8_prefix(const std::string& text, std::size_t max) {
    if (text.size() <= max) return text;
    auto end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

// Xapian errors as std exceptions. The database family (a file that cannot be opened,
// read or written, a lock, a closed handle) is the environment's doing: IndexUnavailable.
template <class F>
auto translating(F&& f) {
    try {
        return f();
    } catch (const Xapian::DatabaseError& e) {
        throw IndexUnavailable("search index: " + e.get_description());
    } catch (const Xapian::Error& e) {
        throw std::runtime_error("search index: " + e.get_description());
    }
}

class XapianIndex final : public SearchIndex {
public:
    explicit XapianIndex(const XapianOptions& o)
        : path_(o.path),
          commit_interval_(o.commit_interval),
          writer_pool_("search-write", 1, kWriteQueue),
          reader_pool_("search-read", std::max<std::size_t>(1, o.readers), o.max_waiting) {
        std::filesystem::create_directories(path_);
        // An empty index, so that queries work before the first write. Another process
        // holding the write lock means the index exists already.
        try {
            Xapian::WritableDatabase(path_, Xapian::DB_CREATE_OR_OPEN);
        } catch (const Xapian::DatabaseLockError&) {
        } catch (const Xapian::Error& e) {
            throw std::runtime_error("cannot open the search index " + path_ + ": " +
                                     e.get_description());
        }
    }

    boost::asio::awaitable<void> upsert(Document doc) override {
        co_await write([this, &doc] { add(doc); });
    }

    boost::asio::awaitable<void> upsert_many(std::vector<Document> docs) override {
        co_await write([this, &docs] {
            for (const auto& doc : docs) add(doc);
        });
    }

    boost::asio::awaitable<void> remove(std::string kind, std::string id) override {
        co_await write([this, &kind, &id] { writer().delete_document(id_term(kind, id)); });
    }

    boost::asio::awaitable<std::vector<Hit>> search(std::string user_id, std::string query,
                                                    std::size_t limit) override {
        co_return co_await reader_pool_.run([this, &user_id, &query, limit] {
            return translating([&] {
                // A commit that is waiting goes first (turnstile), then the query
                // holds its revision until it is done.
                { std::lock_guard turn(turnstile_); }
                std::shared_lock reading(revision_);
                auto db = lease_reader();
                std::vector<Hit> hits;
                // A writer in another process (mindme worker) can still outrun the
                // query: the blocks of the revision it started on get reused, which
                // Xapian reports as a modified or (in glass, when the reused block is
                // met in the middle of a descent) a corrupt database. Both go away on
                // the latest revision: reopen and ask again; a database that is
                // really damaged fails the same way on every try.
                for (int attempt = 1;; ++attempt) {
                    try {
                        hits = run_query(*db, parse(*db, query), user_id, limit);
                        break;
                    } catch (const Xapian::DatabaseModifiedError&) {
                        if (attempt == kQueryAttempts) throw;
                    } catch (const Xapian::DatabaseCorruptError&) {
                        if (attempt == kQueryAttempts) throw;
                    }
                    db->reopen();
                }
                give_back(std::move(db));
                return hits;
            });
        });
    }

    const char* backend() const override { return "xapian"; }

private:
    // Group commit: the change is staged on the writer thread, then the caller waits
    // for a commit that covers it: the first commit job after its change, run no sooner
    // than commit_interval after the last commit. Writers within an interval share one
    // commit and none returns before its change is durable. Few commits also keep
    // readers in other processes (serve, while mindme worker writes) from having their
    // revision discarded under them again and again on a busy machine.
    //
    // A failed stage or commit (out of descriptors, say) leaves the WritableDatabase
    // unusable and loses what was staged since the last commit: the handle is dropped, to
    // be reopened by the next write, and every write staged on it fails too (its
    // generation is gone), so that its job runs again instead of passing for durable.
    template <class Stage>
    boost::asio::awaitable<void> write(Stage stage) {
        struct Staged {
            std::uint64_t number;
            std::uint64_t generation;
        };
        auto mine = co_await writer_pool_.run([this, &stage] {
            return guarded([&] {
                stage();
                return Staged{++staged_, generation_};
            });
        });
        // Not before the interval since the last commit is over: the writes that
        // arrive meanwhile join this commit.
        auto due = std::chrono::steady_clock::time_point(
                       std::chrono::steady_clock::duration(last_commit_.load())) +
                   commit_interval_;
        if (due > std::chrono::steady_clock::now()) {
            boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor, due);
            co_await wait.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        }
        co_await writer_pool_.run([this, mine] {
            return guarded([&] {
                if (mine.generation != generation_)
                    throw IndexUnavailable(
                        "search index: the write was lost with a failed commit; retry it");
                if (committed_ < mine.number) {
                    auto covered = staged_;
                    commit();
                    committed_ = covered;
                    last_commit_ = std::chrono::steady_clock::now().time_since_epoch().count();
                }
                set_health({});
                return 0;
            });
        });
    }

    // Runs f on the writer thread; a failure drops the writer (see write()).
    template <class F>
    auto guarded(F&& f) {
        try {
            return translating(f);
        } catch (const std::exception& e) {
            if (writable_) {
                writable_.reset();
                ++generation_;
            }
            set_health(e.what());
            throw;
        }
    }

    void set_health(std::string problem) {
        std::lock_guard lock(health_mutex_);
        health_ = std::move(problem);
    }

public:
    std::string health() const override {
        std::lock_guard lock(health_mutex_);
        return health_;
    }

private:
    static Xapian::Query parse(Xapian::Database& db, const std::string& query) {
        Xapian::QueryParser parser;
        parser.set_stemmer(english_stemmer());
        parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        parser.set_default_op(Xapian::Query::OP_AND);
        parser.set_database(db);
        // A partial last word stands for its most frequent completions only:
        // "a" alone would otherwise become a query of thousands of terms.
        parser.set_max_expansion(kMaxPrefixTerms, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                                 Xapian::QueryParser::FLAG_PARTIAL);
        try {
            return parser.parse_query(query, Xapian::QueryParser::FLAG_PHRASE |
                                                 Xapian::QueryParser::FLAG_LOVEHATE |
                                                 Xapian::QueryParser::FLAG_PARTIAL);
        } catch (const Xapian::QueryParserError&) {
            return parser.parse_query(query, 0);  // as plain words
        }
    }

    // Only the writer pool's thread calls it; the caller commits.
    void add(const Document& doc) {
        Xapian::Document d;
        Xapian::TermGenerator terms;
        terms.set_stemmer(english_stemmer());
        terms.set_document(d);
        terms.index_text(doc.title, kTitleWeight);
        terms.increase_termpos();
        terms.index_text(doc.text);
        d.add_boolean_term(user_term(doc.user_id));
        d.add_boolean_term("K:" + doc.kind);
        auto unique = id_term(doc.kind, doc.id);
        d.add_boolean_term(unique);
        boost::json::object data{{"kind", doc.kind},
                                 {"id", doc.id},
                                 {"title", doc.title},
                                 {"text", utf8_prefix(doc.text, kStoredTextBytes)}};
        d.set_data(boost::json::serialize(data));
        writer().replace_document(unique, d);
    }

    std::vector<Hit> run_query(Xapian::Database& db, const Xapian::Query& parsed,
                               const std::string& user_id, std::size_t limit) const {
        Xapian::Enquire enquire(db);
        enquire.set_query(
            Xapian::Query(Xapian::Query::OP_FILTER, parsed, Xapian::Query(user_term(user_id))));
        auto matches = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
        std::vector<Hit> hits;
        for (auto it = matches.begin(); it != matches.end(); ++it) {
            auto data = boost::json::parse(it.get_document().get_data()).as_object();
            Hit h;
            h.kind = data.at("kind").as_string();
            h.id = data.at("id").as_string();
            h.title = data.at("title").as_string();
            std::string text(data.at("text").as_string());
            h.snippet = matches.snippet(
                text, kSnippetBytes, english_stemmer(),
                Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE, "<mark>",
                "</mark>", "…");
            h.score = it.get_weight();
            hits.push_back(std::move(h));
        }
        return hits;
    }

    // Only the writer pool's thread calls it. Waits for the queries of this process
    // that run on the current revision: two commits under one query discard the
    // revision it reads, and a stream of commits could do so to every retry.
    void commit() {
        std::lock_guard turn(turnstile_);
        std::unique_lock writing(revision_);
        writer().commit();
    }

    // Only the writer pool's thread calls it.
    Xapian::WritableDatabase& writer() {
        if (!writable_) writable_.emplace(path_, Xapian::DB_CREATE_OR_OPEN);
        return *writable_;
    }

    std::unique_ptr<Xapian::Database> lease_reader() {
        std::unique_ptr<Xapian::Database> db;
        {
            std::lock_guard lock(readers_mutex_);
            if (!idle_readers_.empty()) {
                db = std::move(idle_readers_.back());
                idle_readers_.pop_back();
            }
        }
        if (!db) return std::make_unique<Xapian::Database>(path_);
        db->reopen();  // to the latest commit
        return db;
    }

    void give_back(std::unique_ptr<Xapian::Database> db) {
        std::lock_guard lock(readers_mutex_);
        idle_readers_.push_back(std::move(db));
    }

    std::string path_;
    std::optional<Xapian::WritableDatabase> writable_;
    std::mutex readers_mutex_;
    std::chrono::milliseconds commit_interval_;
    std::atomic<std::chrono::steady_clock::rep> last_commit_{0};
    std::uint64_t staged_ = 0;      // changes staged, on the writer thread
    std::uint64_t committed_ = 0;   // of which committed
    std::uint64_t generation_ = 0;  // of the WritableDatabase: grows when one is dropped
    mutable std::mutex health_mutex_;
    std::string health_;
    std::mutex turnstile_;
    std::shared_mutex revision_;
    std::vector<std::unique_ptr<Xapian::Database>> idle_readers_;
    // Declared last: destroyed first, so no job runs while the databases close.
    core::BlockingPool writer_pool_;
    core::BlockingPool reader_pool_;
};

}  // namespace

std::unique_ptr<SearchIndex> make_xapian_index(const XapianOptions& options) {
    return std::make_unique<XapianIndex>(options);
}

}  // namespace mindme::search
